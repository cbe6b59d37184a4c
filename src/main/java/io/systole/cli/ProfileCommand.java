package io.systole.cli;

import io.systole.backend.Backend;
import io.systole.model.Accounting;
import io.systole.model.Network;
import io.systole.partition.Plan;
import io.systole.profile.LayerProfile;
import io.systole.profile.Profile;
import io.systole.sim.LayerStats;
import io.systole.sim.Report;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code systole profile}: measured time per layer beside the simulated array's figures. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Run the network with warm-up and repetitions; write report.json, report.csv and report.html.",
            "int8 and fixed-point runs (a quantized model file, or --format) beside the simulation of the quantized"
                + " network."})
final class ProfileCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    Execution exec;

    @Option(names = "--batch", defaultValue = "1", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed runs first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeat", defaultValue = "10", description = "Timed runs (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for report.json, report.csv, report.html.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (repeat < 1 || warmup < 0) {
            throw new IllegalArgumentException("--repeat must be at least 1 and --warmup at least 0");
        }
        PrintWriter pw = spec.commandLine().getOut();
        try (Execution e = exec.open()) {
            Tensor x = Execution.randomInput(e.net, batch, 42);
            e.prepare(x, "the run's own seeded random input").forEach(pw::println);
            Profile p = profile(e, x, warmup, repeat);
            pw.print(p.plan());
            pw.println();
            pw.print(p.table());
            if (out != null) {
                p.write(out);
                pw.println("wrote " + out.resolve("report.html") + ", report.json, report.csv");
            }
        }
        pw.flush();
        return 0;
    }

    /**
     * Runs a {@link Execution#prepare}d batch and measures; the simulated columns come from the
     * same array configuration (for an int8 or fixed-point run, the simulation of the quantized
     * network).
     */
    static Profile profile(Execution e, Tensor x, int warmup, int repeat) throws IOException {
        Network net = e.net;
        int batch = x.dim(0);
        Plan plan = e.plan(batch);
        for (int i = 0; i < warmup; i++) {
            e.execute(plan, x, false);
        }
        Map<String, double[]> sums = new HashMap<>();
        for (int i = 0; i < repeat; i++) {
            for (Backend.NodeTiming t : e.execute(plan, x, false).timings()) {
                double[] s = sums.computeIfAbsent(t.node(), k -> new double[3]);
                s[0] += t.kernelSeconds() / repeat;
                s[1] += t.transferSeconds() / repeat;
                s[2] += t.hostSeconds() / repeat;
            }
        }
        Report sim = e.simulatedTiming(x);
        List<LayerProfile> layers = new ArrayList<>();
        for (Network.Node n : net.nodes()) {
            Plan.Step step = plan.step(n.name());
            double[] s = sums.get(n.name());
            LayerStats st = sim.layer(n.name());
            layers.add(new LayerProfile(n.name(), n.layer().type(), step.device(), s[0], s[1], s[2],
                    2 * Accounting.macs(net, n) * batch, e.backend(step.device()).peakFlops(), st.cycles(),
                    st.utilization(), st.inputReads() + st.weightReads() + st.outputReads(),
                    st.inputWrites() + st.weightWrites() + st.outputWrites(), st.dramReadBytes(), st.dramWriteBytes()));
        }
        double clock = e.cfg.clockMhz() * 1e6;
        return new Profile(net.name(), e.cfg.name() + " (" + e.cfg.size() + " " + e.cfg.dataflow() + ", "
                + e.cfg.format() + ")", 2.0 * e.cfg.pes() * clock, e.cfg.dramBytesPerCycle() * clock, clock, batch,
                repeat, layers, plan.table(), plan.dot());
    }
}
