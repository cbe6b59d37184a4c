package io.systole.cli;

import io.systole.partition.Plan;
import io.systole.runtime.Runtime;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code systole run MODEL --input x.npy --output y.npy [--device ...]}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a network on an input batch across the chosen devices.")
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    Execution exec;

    @Option(names = "--input", required = true, paramLabel = "x.npy",
            description = "Input batch, float32 (N, C, H, W) or (N, F).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "y.npy", description = "Where to write the output.")
    Path output;

    @Option(names = "--plan", description = "Print the plan before running.")
    boolean showPlan;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (Execution e = exec.open()) {
            Tensor x = Npy.read(input);
            io.systole.ref.ReferenceEngine.checkInput(e.net, x);
            Plan plan = e.plan(x.dim(0));
            if (showPlan) {
                out.print(plan.table());
            }
            Runtime.Execution r = e.runtime().execute(plan, x, false);
            Npy.write(output, r.output());
            out.printf("ran %s on %s %s in %.1f ms (%s); wrote %s %s%n", e.net.name(), input,
                    Arrays.toString(x.shape()), r.wallSeconds() * 1e3, String.join(", ", plan.stages().stream()
                            .map(s -> "stage " + s.index() + " on " + s.device()).toList()),
                    output, Arrays.toString(r.output().shape()));
        }
        out.flush();
        return 0;
    }
}
