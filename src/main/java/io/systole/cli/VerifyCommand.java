package io.systole.cli;

import io.systole.partition.Plan;
import io.systole.runtime.Runtime;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import io.systole.verify.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code systole verify}: every layer of a run against the simulator, bit for bit. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Run the network on the chosen placement and on the simulator; compare every layer exactly."
                + " Exit code 1 names the first differing layer, batch index, channel, row and column.",
            "int8 and fixed-point runs (a quantized model file, or --format) compare every layer's integers with the"
                + " simulation of the quantized network."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    Execution exec;

    @Option(names = "--input", paramLabel = "x.npy", description = "Input batch (default: --random).")
    Path input;

    @Option(names = "--random", defaultValue = "2", paramLabel = "N",
            description = "Without --input: a seeded random batch of N (default ${DEFAULT-VALUE}).")
    int random;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random batch (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (Execution e = exec.open()) {
            Tensor x = input != null ? Npy.read(input) : Execution.randomInput(e.net, random, seed);
            String source = input != null ? "the run's own input " + input : "the run's own seeded random input";
            e.prepare(x, source).forEach(out::println);
            Plan plan = e.plan(x.dim(0));
            Runtime.Execution run = e.execute(plan, x, true);
            Map<String, Tensor> golden = e.simulate(x).values();
            Verifier.Result res = Verifier.compare(e.net, golden, run.values());
            for (Verifier.NodeResult n : res.nodes()) {
                out.printf("  %-10s %-9s %s%n", n.node(), plan.step(n.node()).device(),
                        !n.materialized() ? "fused into the next kernel, checked through its output"
                                : n.equal() ? "equal (" + n.elements() + " elements)" : n.mismatch().toString());
            }
            out.println(res.passed()
                    ? "verification: PASS, every layer of " + e.net.name() + " equals the simulator (" + e.cfg.name()
                            + ", " + e.cfg.size() + " " + e.cfg.dataflow() + ", " + e.cfg.format() + ") bit for bit"
                    : "verification: FAIL, " + res.first());
            out.flush();
            return res.passed() ? 0 : 1;
        }
    }
}
