package io.systole.backend.tornado;

import io.systole.arith.FixedFormat;
import io.systole.arith.NumberFormat;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.quant.Activation;
import io.systole.quant.QuantizedNetwork;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import java.util.ArrayList;
import java.util.List;

/**
 * A stage's nodes as {@link TaskChain} steps for one batch: a convolution or dense layer (a 1x1
 * convolution of a 1x1 image) takes the ReLU right after it (float32) or the one folded into its
 * operands (int8, fixed point); pooling is a step of its own in the same task graph; Flatten
 * needs no step, since (batch, C, H, W) and (batch, C*H*W) share one layout. A step's name is the
 * nodes it covers joined by '+'.
 */
final class Steps {
    private Steps() {
    }

    /** Every node of a float network {@code net} as steps; a node the kernels cannot run is an error naming it. */
    static List<TaskChain.Step> of(Network net, int batch) {
        List<TaskChain.Step> steps = new ArrayList<>();
        List<Network.Node> nodes = net.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Network.Node node = nodes.get(i);
            Shape in = net.shapeOf(node.inputs().getFirst());
            switch (node.layer()) {
                case Conv2d c -> {
                    boolean relu = reluFollows(nodes, i);
                    steps.add(new TaskChain.Conv(name(nodes, i, relu), ImplicitGemm.of(c, in, batch),
                            new Operands.F32Layer(c.weight().data(), c.bias() == null ? null : c.bias().data()), relu));
                    i += relu ? 1 : 0;
                }
                case Dense d -> {
                    boolean relu = reluFollows(nodes, i);
                    steps.add(new TaskChain.Conv(name(nodes, i, relu), ImplicitGemm.of(d, batch),
                            new Operands.F32Layer(d.weight().data(), d.bias() == null ? null : d.bias().data()), relu));
                    i += relu ? 1 : 0;
                }
                case Pool2d p -> steps.add(pool(node, in, batch, 0));
                case Flatten f -> {
                }
                default -> throw unsupported(node);
            }
        }
        return steps;
    }

    /**
     * The nodes of {@code stage} (a stage of {@code q}'s network, node names kept) as steps in
     * the quantized values of {@code q}, all in one format: the array {@code cfg} with that format
     * (a fixed-point node's own, with the array's accumulator width, as
     * {@link io.systole.quant.QuantizedSimulator} runs it) is {@link Quantized#config}.
     *
     * @throws IllegalArgumentException naming a node the kernels cannot run, or one whose format
     *     differs from the stage's first
     */
    static Quantized of(QuantizedNetwork q, Network stage, ArrayConfig cfg, int batch) {
        q.requireArray(cfg);
        List<TaskChain.Step> steps = new ArrayList<>();
        NumberFormat format = null;
        List<Network.Node> nodes = stage.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Network.Node node = nodes.get(i);
            String from = node.inputs().getFirst();
            Shape in = stage.shapeOf(from);
            String source = from.equals(Network.INPUT) ? inputOf(q, nodes.getFirst()) : from;
            NumberFormat f;
            switch (node.layer()) {
                case Conv2d c -> {
                    QuantizedNetwork.ArrayOp op = q.op(node.name());
                    boolean folded = reluFollows(nodes, i) && nodes.get(i + 1).name().equals(op.foldedRelu());
                    steps.add(conv(name(nodes, i, folded), ImplicitGemm.of(c, in, batch), op));
                    f = op.format();
                    i += folded ? 1 : 0;
                }
                case Dense d -> {
                    QuantizedNetwork.ArrayOp op = q.op(node.name());
                    boolean folded = reluFollows(nodes, i) && nodes.get(i + 1).name().equals(op.foldedRelu());
                    steps.add(conv(name(nodes, i, folded), ImplicitGemm.of(d, batch), op));
                    f = op.format();
                    i += folded ? 1 : 0;
                }
                case Pool2d p -> {
                    Activation a = q.activation(source);
                    steps.add(pool(node, in, batch, a instanceof Activation.Int8 x ? x.params().zeroPoint() : 0));
                    f = a instanceof Activation.Fixed x ? x.format() : q.format();
                }
                case Flatten x -> {
                    continue;
                }
                default -> throw unsupported(node);
            }
            if (format != null && !format.equals(f)) {
                throw new IllegalArgumentException("node '" + node.name() + "' runs in " + f + ", the stage before"
                        + " it in " + format + ": a TornadoVM stage runs in one format, so the stage must end before"
                        + " this node");
            }
            format = f;
        }
        return new Quantized(steps, format == null || !(format instanceof FixedFormat) || format.equals(cfg.format())
                ? cfg : new ArrayConfig(cfg.name(), cfg.rows(), cfg.cols(), cfg.dataflow(), format,
                        cfg.accumulatorBits(), cfg.inputSramBytes(), cfg.weightSramBytes(), cfg.outputSramBytes(),
                        cfg.dramBytesPerCycle(), cfg.clockMhz(), cfg.doubleBufferedWeights(), cfg.poolingLanes()));
    }

    /** The steps of a quantized stage and the array they run on. */
    record Quantized(List<TaskChain.Step> steps, ArrayConfig config) {
    }

    /**
     * The step of one convolution or dense node of a quantized network: its operands in its
     * format, the ReLU folded into them; {@code name} covers the folded ReLU node when the step
     * stands for it too.
     */
    static TaskChain.Conv conv(String name, ImplicitGemm g, QuantizedNetwork.ArrayOp op) {
        boolean relu = switch (op.operands()) {
            case Operands.Int8Layer o -> o.relu();
            case Operands.FixedLayer o -> o.relu();
            case Operands.F32Layer o -> throw new IllegalArgumentException("node '" + op.node()
                    + "': float operands in a quantized network");
        };
        return new TaskChain.Conv(name, g, op.operands(), relu);
    }

    /** The tensor a stage's first node reads, as named in the whole network. */
    private static String inputOf(QuantizedNetwork q, Network.Node first) {
        return q.network().node(first.name()).inputs().getFirst();
    }

    private static TaskChain.Pool pool(Network.Node node, Shape in, int batch, int zeroPoint) {
        Pool2d p = (Pool2d) node.layer();
        return new TaskChain.Pool(node.name(), batch, in.c(), in.h(), in.w(), p.window(), p instanceof AvgPool2d,
                p.countIncludePad(), zeroPoint);
    }

    /** Whether node i + 1 is a ReLU reading node i alone. */
    private static boolean reluFollows(List<Network.Node> nodes, int i) {
        return i + 1 < nodes.size() && nodes.get(i + 1).layer() instanceof ReLU
                && nodes.get(i + 1).inputs().equals(List.of(nodes.get(i).name()));
    }

    /** Node i's name, joined with the next node's when the step covers it. */
    private static String name(List<Network.Node> nodes, int i, boolean withNext) {
        return withNext ? nodes.get(i).name() + "+" + nodes.get(i + 1).name() : nodes.get(i).name();
    }

    private static IllegalArgumentException unsupported(Network.Node node) {
        return new IllegalArgumentException("node '" + node.name() + "' (" + node.layer().type()
                + ") does not run on TornadoVM: its kernels take convolution, dense, the ReLU right after either,"
                + " pooling and flatten; pin it to jvm");
    }
}
