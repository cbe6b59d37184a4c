package io.systole.cli;

import io.systole.arith.F32;
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

/**
 * {@code systole run MODEL --input x.npy --output y.npy [--device ...]}: float32, or int8 and fixed
 * point for a quantized model file or with {@code --format}; the output is float32 (dequantized)
 * or with {@code --raw} the raw integers.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a network on an input batch across the chosen devices.",
            "A quantized model file (systole quantize) runs in its format; a float model runs in int8 or fixed point"
                + " with --format, quantized first (calibrated on --calibrate, else on the input batch)."})
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    Execution exec;

    @Option(names = "--input", required = true, paramLabel = "x.npy",
            description = "Input batch, float32 (N, C, H, W) or (N, F).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "y.npy",
            description = "Where to write the output, float32 (an int8 or fixed-point run's dequantized).")
    Path output;

    @Option(names = "--raw", description = "int8 and fixed-point runs: write the raw values of the last integer"
            + " tensor (int8, or int32 raw fixed point; the logits when the network ends in softmax) instead.")
    boolean raw;

    @Option(names = "--plan", description = "Print the plan before running.")
    boolean showPlan;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (Execution e = exec.open()) {
            if (raw && e.cfg.format() instanceof F32) {
                throw new IllegalArgumentException("--raw writes the integers of an int8 or fixed-point run; this run"
                        + " is float32");
            }
            Tensor x = Npy.read(input);
            e.prepare(x, "the run's own input " + input).forEach(out::println);
            Plan plan = e.plan(x.dim(0));
            if (showPlan) {
                out.print(plan.table());
            }
            Runtime.Execution r = e.execute(plan, x, raw);
            Tensor y = raw ? r.values().get(e.quantized.lastInteger()) : e.output(r);
            Npy.write(output, y);
            out.printf("ran %s on %s %s in %.1f ms (%s, %s); wrote %s %s %s%n", e.net.name(), input,
                    Arrays.toString(x.shape()), r.wallSeconds() * 1e3, e.cfg.format(), String.join(", ",
                            plan.stages().stream().map(s -> "stage " + s.index() + " on " + s.device()).toList()),
                    output, y.dtype(), Arrays.toString(y.shape()));
        }
        out.flush();
        return 0;
    }
}
