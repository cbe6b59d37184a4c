package io.systole.quant;

import io.systole.arith.OverflowCounter;
import io.systole.model.Network;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Engine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.LayerStats;
import io.systole.sim.PoolingUnit;
import io.systole.sim.Report;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulates a {@link QuantizedNetwork} on an array of its format, the sibling of
 * {@link Simulator} for int8 and fixed-point values: convolution and dense nodes run on the
 * array through an {@link Engine} ({@link io.systole.sim.FastEngine} or
 * {@link io.systole.sim.PeEngine}), pooling on the {@link PoolingUnit}, and the host nodes as
 * in {@link IntegerReference}, whose values it equals bit for bit.
 *
 * <p>A fixed-point node with its own format runs on the array with that data format and the
 * array's accumulator width. A node's overflow count includes the conversion of its input into
 * its format; host nodes cost 0 cycles and no traffic.
 */
public final class QuantizedSimulator {
    private final ArrayConfig cfg;
    private final Engine engine;
    private final Simulator.Progress progress;
    private final Map<String, Engine> overrides = new LinkedHashMap<>();

    public QuantizedSimulator(ArrayConfig cfg, Engine engine) {
        this(cfg, engine, (i, n, name) -> { });
    }

    public QuantizedSimulator(ArrayConfig cfg, Engine engine, Simulator.Progress progress) {
        this.cfg = cfg;
        this.engine = engine;
        this.progress = progress;
    }

    /** Runs the named node on another engine (e.g. a {@link io.systole.sim.PeEngine} recording a waveform). */
    public QuantizedSimulator withEngine(String node, Engine e) {
        overrides.put(node, e);
        return this;
    }

    /**
     * Runs a float input batch (n, ...input shape), quantized with the input's encoding. The
     * values are every tensor in its encoding (int8 as I8, fixed point as raw I32, a final softmax
     * as F32), the input under {@link Network#INPUT}; decode them with
     * {@link QuantizedNetwork#activation}.
     */
    public Simulator.Run run(QuantizedNetwork q, Tensor input) {
        return run(q, q.network(), Network.INPUT, q.quantizeInput(input));
    }

    /**
     * Runs consecutive nodes of {@code q}: {@code part} holds them as a network of their own (node
     * names kept, as a device stage does) whose input is the tensor {@code from} of the whole
     * network, given in its encoding as {@code x} (n, ...shape). The values are {@code x} under
     * {@link Network#INPUT} and every node of the part in its encoding; the report covers the part.
     *
     * @throws IllegalArgumentException when x is not of the tensor's type and shape
     */
    public Simulator.Run run(QuantizedNetwork q, Network part, String from, Tensor x) {
        List<LayerStats> rows = new ArrayList<>();
        Map<String, Tensor> values = Forward.run(q, cfg, part, from, x, new Forward.Units() {
            @Override
            public Tensor array(Network.Node node, ArrayLayer layer, Tensor x, ArrayConfig c, OverflowCounter conv) {
                Engine.LayerResult r = overrides.getOrDefault(node.name(), engine).run(layer, x, c);
                LayerStats s = r.stats();
                rows.add(s.withOverflows(s.overflows() + conv.overflows(), s.saturations() + conv.saturations())
                        .named(node.name(), node.layer().type()));
                return r.output();
            }

            @Override
            public Tensor pool(Network.Node node, ImplicitGemm window, boolean average, boolean countIncludePad,
                    int zeroPoint, Tensor x, ArrayConfig c) {
                Engine.LayerResult r = new PoolingUnit(c).run(window, average, countIncludePad, zeroPoint, x);
                rows.add(r.stats().named(node.name(), node.layer().type()));
                return r.output();
            }

            @Override
            public void host(Network.Node node) {
                rows.add(LayerStats.host(node.name(), node.layer().type()));
            }
        }, progress);
        return new Simulator.Run(new Report(part.name(), cfg, x.dim(0), rows), values,
                values.get(part.nodes().getLast().name()));
    }
}
