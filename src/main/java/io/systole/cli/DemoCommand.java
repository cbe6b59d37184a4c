package io.systole.cli;

import io.systole.backend.Devices;
import io.systole.model.Accounting;
import io.systole.partition.Plan;
import io.systole.profile.Profile;
import io.systole.runtime.Runtime;
import io.systole.tensor.Tensor;
import io.systole.train.Dataset;
import io.systole.verify.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code systole demo}: the whole path on the trained LeNet-5. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "LeNet-5 trained on Fashion-MNIST end to end: the sharing figures, the plan, a run on the best"
                + " available device, verification against the simulator and a short profile.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch", defaultValue = "16", description = "Images to run (default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Devices.Choice choice = Devices.best();
        try (Execution e = new Execution()) {
            e.model = "lenet5-fashion";
            e.arrayOptions = new ArrayOptions();
            e.arrayOptions.preset = "16x16-ws";
            e.device = choice.spec();
            e.open();
            out.println("== 1. the model: " + e.net.name() + " trained on Fashion-MNIST");
            out.print(SummaryCommand.text(e.net, Accounting.of(e.net)));

            Tensor x;
            int[] labels = null;
            try {
                Dataset test = Dataset.open(Dataset.FASHION_MNIST, Dataset.Split.TEST).limit(batch);
                x = test.images();
                labels = test.labels();
                out.printf("%n== 2. input: the first %d Fashion-MNIST test images%n", batch);
            } catch (IOException | RuntimeException missing) {
                x = Execution.randomInput(e.net, batch, 42);
                out.printf("%n== 2. input: %d generated images (%s)%n", batch, missing.getMessage());
            }

            Plan plan = e.plan(batch);
            out.printf("%n== 3. the plan on %s (%s)%n", choice.spec(), choice.why());
            out.print(plan.table());

            Runtime.Execution first = e.execute(plan, x, true);
            Runtime.Execution run = e.execute(plan, x, true);
            out.printf("%n== 4. the run: %.2f ms for %d images (the first run, which prepares the devices: %.2f ms)%n",
                    run.wallSeconds() * 1e3, batch, first.wallSeconds() * 1e3);
            float[] p = run.output().floats();
            int classes = e.net.outputShape().c();
            int correct = 0;
            for (int b = 0; b < batch; b++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    best = p[b * classes + c] > p[b * classes + best] ? c : best;
                }
                String name = Dataset.FASHION_MNIST_CLASSES.get(best);
                if (labels != null) {
                    correct += best == labels[b] ? 1 : 0;
                    out.printf("  image %2d: %-12s (p = %.3f), label %s%n", b, name, p[b * classes + best],
                            Dataset.FASHION_MNIST_CLASSES.get(labels[b]));
                } else {
                    out.printf("  image %2d: %-12s (p = %.3f)%n", b, name, p[b * classes + best]);
                }
            }
            if (labels != null) {
                out.printf("  %d of %d correct%n", correct, batch);
            }

            Verifier.Result res = Verifier.compare(e.net, e.simulate(x).values(), run.values());
            out.printf("%n== 5. verification against the simulator (%s, %s %s, %s): %s%n", e.cfg.name(), e.cfg.size(),
                    e.cfg.dataflow(), e.cfg.format(), res.passed() ? "PASS, every layer bit for bit" : "FAIL, "
                            + res.first());

            Profile prof = ProfileCommand.profile(e, Execution.randomInput(e.net, batch, 42), 2, 3);
            out.printf("%n== 6. profile (3 repetitions after 2 warm-up runs)%n");
            out.print(prof.table());
            out.flush();
            return res.passed() ? 0 : 1;
        }
    }
}
