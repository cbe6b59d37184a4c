package io.systole.cli;

import io.systole.model.Accounting;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import java.io.PrintWriter;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code systole demo}: the main job on LeNet-5 for 28x28 inputs. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "LeNet-5 end to end: accounting with the sharing figures, then a run on a generated batch.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size of the generated input (default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Network net = Zoo.get("lenet5-28");
        out.print(SummaryCommand.text(net, Accounting.of(net)));
        float[] x = new float[Math.toIntExact(batch * net.inputShape().size())];
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        Tensor in = Tensor.of(x, net.inputShape().batched(batch));
        long t0 = System.nanoTime();
        Tensor y = ReferenceEngine.forward(net, in);
        long t1 = System.nanoTime();
        out.printf("%nran %s on a generated batch of %d with the reference engine: %.2f ms%n", net.name(), batch,
                (t1 - t0) / 1e6);
        float[] p = y.floats();
        int classes = net.outputShape().c();
        for (int b = 0; b < batch; b++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                best = p[b * classes + c] > p[b * classes + best] ? c : best;
            }
            out.printf("  sample %d: class %d (p = %.3f)%n", b, best, p[b * classes + best]);
        }
        out.flush();
        return 0;
    }
}
