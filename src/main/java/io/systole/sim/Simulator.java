package io.systole.sim;

import io.systole.arith.F32;
import io.systole.arith.Float32Order;
import io.systole.model.Add;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.ref.Reference;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulates whole networks on one array. Convolutions and dense layers run on the array through
 * an {@link Engine}; pooling runs on the {@link PoolingUnit}; ReLU, flatten, softmax and add are
 * host operations: their values are computed (ReLU as {@link Float32Order#relu}, softmax and add
 * by {@link Reference}) and they cost 0 array cycles and no traffic.
 *
 * <p>Values need operands in the array's format: a float network runs with values on a float32
 * array ({@link #run}); any network or {@link Topology} can be timed in any format
 * ({@link #timing}), since time and traffic depend on shapes only.
 */
public final class Simulator {
    /** Told when each node starts, for progress displays. */
    @FunctionalInterface
    public interface Progress {
        void node(int index, int count, String name);
    }

    /**
     * A simulated run: the report, every node's output by node name (the input under
     * {@code input}), and the network's output.
     */
    public record Run(Report report, Map<String, Tensor> values, Tensor output) {
    }

    private final ArrayConfig cfg;
    private final Engine engine;
    private final Progress progress;
    private final Map<String, Engine> overrides = new LinkedHashMap<>();

    public Simulator(ArrayConfig cfg, Engine engine) {
        this(cfg, engine, (i, n, name) -> { });
    }

    public Simulator(ArrayConfig cfg, Engine engine, Progress progress) {
        this.cfg = cfg;
        this.engine = engine;
        this.progress = progress;
    }

    /** Runs the named node on another engine (e.g. a {@link PeEngine} recording a waveform). */
    public Simulator withEngine(String node, Engine e) {
        overrides.put(node, e);
        return this;
    }

    /** Runs a float network on a batch (n, ...input shape); the array must be float32. */
    public Run run(Network net, Tensor input) {
        if (!(cfg.format() instanceof F32)) {
            throw new IllegalArgumentException("array '" + cfg.name() + "' is " + cfg.format() + ": the values of a"
                    + " float network are simulated on an f32 array; int8 and fixed-point values need quantized"
                    + " layers (time and traffic are available in any format)");
        }
        ReferenceEngine.checkInput(net, input);
        int n = input.dim(0);
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Network.INPUT, input);
        List<LayerStats> rows = new ArrayList<>();
        List<Network.Node> nodes = net.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Network.Node node = nodes.get(i);
            progress.node(i, nodes.size(), node.name());
            Shape in = net.shapeOf(node.inputs().getFirst());
            Tensor x = values.get(node.inputs().getFirst());
            int[] outShape = node.output().batched(n);
            Engine onNode = overrides.getOrDefault(node.name(), engine);
            Engine.LayerResult r = switch (node.layer()) {
                case Conv2d c -> onNode.run(new ArrayLayer(ImplicitGemm.of(c, in, n), operands(c.weight().data(),
                        c.bias() == null ? null : c.bias().data())), x, cfg);
                case Dense d -> onNode.run(new ArrayLayer(ImplicitGemm.of(d, n), operands(d.weight().data(),
                        d.bias() == null ? null : d.bias().data())), x.reshape(n, d.inFeatures(), 1, 1), cfg);
                case Pool2d p -> new PoolingUnit(cfg).run(PoolingUnit.geometry(node.name(), n, in.c(), in.h(), in.w(),
                        p.window()), p instanceof AvgPool2d, p.countIncludePad(), 0, x);
                case ReLU l -> host(relu(x.floats()));
                case Flatten f -> host(x.floats());
                case Softmax s -> host(Reference.softmax(x.floats(), n, in.c()));
                case Add a -> host(Reference.add(x.floats(), values.get(node.inputs().get(1)).floats()));
            };
            values.put(node.name(), r.output().reshape(outShape));
            rows.add(r.stats().named(node.name(), node.layer().type()));
        }
        return new Run(new Report(net.name(), cfg, n, rows), values, values.get(nodes.getLast().name()));
    }

    private static Operands.F32Layer operands(float[] weight, float[] bias) {
        return new Operands.F32Layer(weight, bias);
    }

    private static Engine.LayerResult host(float[] y) {
        return new Engine.LayerResult(Tensor.of(y, y.length), LayerStats.host("", ""));
    }

    private static float[] relu(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Float32Order.relu(x[i]);
        }
        return y;
    }

    /** Time and traffic of a network for a batch, in the array's format, without values. */
    public Report timing(Network net, int batch) {
        List<LayerStats> rows = new ArrayList<>();
        List<Network.Node> nodes = net.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Network.Node node = nodes.get(i);
            progress.node(i, nodes.size(), node.name());
            Shape in = net.shapeOf(node.inputs().getFirst());
            LayerStats s = switch (node.layer()) {
                case Conv2d c -> Timing.gemm(ImplicitGemm.of(c, in, batch), cfg);
                case Dense d -> Timing.gemm(ImplicitGemm.of(d, batch), cfg);
                case Pool2d p -> Timing.pool(PoolingUnit.geometry(node.name(), batch, in.c(), in.h(), in.w(),
                        p.window()), cfg);
                default -> LayerStats.host(node.name(), node.layer().type());
            };
            rows.add(s.named(node.name(), node.layer().type()));
        }
        return new Report(net.name(), cfg, batch, rows);
    }

    /** Time and traffic of a topology (batch 1), in the array's format. */
    public Report timing(Topology t) {
        List<LayerStats> rows = new ArrayList<>();
        for (int i = 0; i < t.layers().size(); i++) {
            ImplicitGemm g = t.layers().get(i);
            progress.node(i, t.layers().size(), g.name());
            rows.add(Timing.gemm(g, cfg).named(g.name(), g.k() == g.inC() && g.inH() == 1 ? "dense" : "conv2d"));
        }
        return new Report(t.name(), cfg, 1, rows);
    }
}
