package io.systole.backend.jvm;

import io.systole.arith.NumberFormat;
import io.systole.backend.Backend;
import io.systole.backend.Stage;
import io.systole.model.Accounting;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Layer;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.quant.QuantizedSimulator;
import io.systole.sim.ArrayConfig;
import io.systole.sim.FastEngine;
import io.systole.sim.Report;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code jvm} and {@code sim} devices. Both compute values with the simulator's
 * {@link FastEngine} in the order of one {@link ArrayConfig} (quantized stages through the
 * {@link QuantizedSimulator}, on an array of their format), so their outputs are identical bit for
 * bit; {@code jvm} reports wall-clock time, {@code sim} the array's cycles at its clock.
 */
public final class JvmBackend implements Backend {
    private final String id;
    private final boolean simulated;
    private final ArrayConfig cfg;
    private final Calibration calibration;
    private final Map<String, Report> timings = new HashMap<>();

    private JvmBackend(String id, boolean simulated, ArrayConfig cfg, Calibration calibration) {
        this.id = id;
        this.simulated = simulated;
        this.cfg = cfg;
        this.calibration = calibration;
    }

    /** The host. */
    public static JvmBackend host(ArrayConfig cfg) {
        return new JvmBackend("jvm", false, cfg, Calibration.jvm());
    }

    /** The simulated array. */
    public static JvmBackend simulator(ArrayConfig cfg) {
        return new JvmBackend("sim", true, cfg, null);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return simulated ? "simulated " + cfg.size() + " " + cfg.dataflow() + " array, " + cfg.format() + ", "
                + cfg.clockMhz() + " MHz (" + cfg.name() + ")"
                : "the JVM, " + java.lang.Runtime.getRuntime().availableProcessors() + " threads, "
                        + String.format("%.1f GFLOP/s calibrated", calibration.flopsPerSecond() / 1e9);
    }

    @Override
    public boolean accelerator() {
        return simulated;
    }

    /** The host runs everything; the array runs convolution, dense and pooling layers. */
    @Override
    public boolean supports(Layer layer) {
        return !simulated || layer instanceof Conv2d || layer instanceof Dense || layer instanceof Pool2d;
    }

    /** Every format: the simulator's engines compute f32, int8 and fixed point in the array's order. */
    @Override
    public boolean computes(NumberFormat format) {
        return true;
    }

    /** 2 * R * C operations per cycle at the array's clock, or the calibrated host figure. */
    @Override
    public double peakFlops() {
        return simulated ? 2.0 * cfg.pes() * cfg.clockMhz() * 1e6 : calibration.flopsPerSecond();
    }

    @Override
    public double computeSeconds(Network net, Network.Node node, int batch) {
        if (simulated) {
            Report r = timings.computeIfAbsent(net.name() + "@" + batch, k -> new Simulator(cfg, new FastEngine())
                    .timing(net, batch));
            return r.layer(node.name()).cycles() / (cfg.clockMhz() * 1e6);
        }
        long macs = Accounting.macs(net, node);
        if (macs > 0) {
            return 2.0 * macs * batch / calibration.flopsPerSecond();
        }
        long elements = node.output().size();
        for (String in : node.inputs()) {
            elements += net.shapeOf(in).size();
        }
        return elements * batch * 4.0 / calibration.bytesPerSecond();
    }

    @Override
    public double launchSeconds() {
        return 0;
    }

    /** The host needs no transfer; the array's link is its DRAM bandwidth. */
    @Override
    public double linkBytesPerSecond() {
        return simulated ? cfg.dramBytesPerCycle() * cfg.clockMhz() * 1e6 : Double.POSITIVE_INFINITY;
    }

    @Override
    public StageResult run(Stage stage, Tensor input, Set<String> wanted) {
        List<Network.Node> nodes = stage.nodes();
        long[] start = new long[nodes.size() + 1];
        Simulator.Progress mark = (i, n, name) -> start[i] = System.nanoTime();
        FastEngine engine = simulated ? new FastEngine() : FastEngine.valuesOnly();
        Simulator.Run run = stage.quantized() == null
                ? new Simulator(cfg, engine, mark).run(stage.network(), input)
                : new QuantizedSimulator(cfg, engine, mark).run(stage.quantized(), stage.network(),
                        stage.input(), input);
        start[nodes.size()] = System.nanoTime();
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<NodeTiming> times = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String name = nodes.get(i).name();
            if (wanted.contains(name)) {
                out.put(name, run.values().get(name));
            }
            times.add(simulated
                    ? new NodeTiming(name, run.report().layer(name).cycles() / (cfg.clockMhz() * 1e6), 0, 0)
                    : new NodeTiming(name, 0, 0, (start[i + 1] - start[i]) / 1e9));
        }
        return new StageResult(out, times);
    }
}
