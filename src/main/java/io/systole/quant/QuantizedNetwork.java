package io.systole.quant;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.model.Add;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Layer;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.ReLU;
import io.systole.model.Softmax;
import io.systole.ref.ReferenceEngine;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A float network quantized for the array: the float network (structure and float weights,
 * kept for error reports), its number format, the {@link Activation} of every tensor (the input
 * under {@link Network#INPUT} and every node's output), and for every convolution and dense node
 * the {@link Operands} the array consumes ({@link ArrayOp}). Immutable once built; made by
 * {@link Quantizer} or read by {@link QuantizedModelFile}.
 *
 * <p>What each node computes, in integers (see the package description for the formats):
 * <ul>
 *   <li>conv2d, dense: on the array, with the node's operands; a ReLU that alone consumes the
 *       node is folded into it (its clamp, or {@code max(0, raw)}), and the ReLU node passes the
 *       value on unchanged.</li>
 *   <li>maxpool2d, avgpool2d: on the pooling unit ({@code io.systole.arith.Pooling}); the output
 *       keeps the input's encoding.</li>
 *   <li>relu (not folded): int8 {@code max(q, zeroPoint)}, fixed {@code max(raw, 0)}; flatten:
 *       the same values; both keep the input's encoding.</li>
 *   <li>softmax: only as the last node; float32 softmax of the dequantized logits on the host.</li>
 *   <li>add: not supported.</li>
 * </ul>
 */
public final class QuantizedNetwork {

    /**
     * A convolution or dense node ready for the array.
     *
     * @param node       the node's name
     * @param format     the array's data format for this node: the network's {@link Int8Format},
     *                   or the node's fixed-point format (weights, input and output)
     * @param operands   weights, bias and output step in that format
     * @param foldedRelu the ReLU node folded into this one, or {@code null}
     */
    public record ArrayOp(String node, NumberFormat format, Operands operands, String foldedRelu) {
        public ArrayOp {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(operands, "operands");
        }
    }

    private final Network network;
    private final NumberFormat format;
    private final Map<String, Activation> activations;
    private final Map<String, ArrayOp> ops;
    private final Map<String, float[]> weightScales;
    private final Calibration calibration;

    /**
     * Checks and wraps the parts.
     *
     * @param weightScales int8: every array layer's per-channel weight scales (outC) by layer name;
     *                     empty for fixed point
     * @param calibration  the ranges the activations were chosen from, or {@code null}
     * @throws IllegalArgumentException naming the node and what is wrong
     */
    QuantizedNetwork(Network network, NumberFormat format, Map<String, Activation> activations,
            Map<String, ArrayOp> ops, Map<String, float[]> weightScales, Calibration calibration) {
        this.network = network;
        this.format = format;
        this.activations = Collections.unmodifiableMap(new LinkedHashMap<>(activations));
        this.ops = Collections.unmodifiableMap(new LinkedHashMap<>(ops));
        this.weightScales = Collections.unmodifiableMap(new LinkedHashMap<>(weightScales));
        this.calibration = calibration;
        check();
    }

    /** Whether a layer runs on the array: convolution and dense layers. */
    static boolean onArray(Layer l) {
        return l instanceof Conv2d || l instanceof Dense;
    }

    /** The weight of an array layer: (outC, inC/groups, kH, kW) or (out, in). */
    static Parameter weight(Layer l) {
        return l instanceof Conv2d c ? c.weight() : ((Dense) l).weight();
    }

    /** The bias (outC) of an array layer, or {@code null}. */
    static Parameter bias(Layer l) {
        return l instanceof Conv2d c ? c.bias() : ((Dense) l).bias();
    }

    /** Refuses what a quantized network cannot hold, naming the node. */
    static void requireSupported(Network net) {
        List<Network.Node> nodes = net.nodes();
        for (Network.Node node : nodes) {
            if (node.layer() instanceof Add) {
                throw new IllegalArgumentException("network '" + net.name() + "', node '" + node.name()
                        + "': add is not supported in quantized networks (its inputs have different scales)");
            }
            if (node.layer() instanceof Softmax && node != nodes.getLast()) {
                throw new IllegalArgumentException("network '" + net.name() + "', node '" + node.name()
                        + "': softmax runs in float on the host and must be the last node of a quantized network");
            }
        }
    }

    /**
     * The ReLU nodes that fold into the convolution or dense node before them: node name of the
     * ReLU by the name of the array node. A ReLU folds when it is the only consumer of an array
     * node that is not the network output.
     */
    static Map<String, String> foldableRelus(Network net) {
        Map<String, Integer> uses = new LinkedHashMap<>();
        for (Network.Node n : net.nodes()) {
            for (String i : n.inputs()) {
                uses.merge(i, 1, Integer::sum);
            }
        }
        Map<String, String> folds = new LinkedHashMap<>();
        for (Network.Node n : net.nodes()) {
            String from = n.inputs().getFirst();
            if (n.layer() instanceof ReLU && !from.equals(Network.INPUT) && uses.get(from) == 1) {
                Network.Node producer = net.node(from);
                if (onArray(producer.layer())) {
                    folds.put(from, n.name());
                }
            }
        }
        return folds;
    }

    private void check() {
        String where = "quantized network '" + network.name() + "'";
        if (!(format instanceof Int8Format || format instanceof FixedFormat)) {
            throw new IllegalArgumentException(where + ": format " + format + " is not int8 or fixed point");
        }
        requireSupported(network);
        Map<String, String> folds = foldableRelus(network);
        Activation input = activation(Network.INPUT);
        if (format instanceof Int8Format ? !(input instanceof Activation.Int8) : !input.equals(
                new Activation.Fixed((FixedFormat) format))) {
            throw new IllegalArgumentException(where + ": the input must be encoded in the network's format " + format
                    + ", got " + input.describe());
        }
        for (Network.Node node : network.nodes()) {
            Activation out = activation(node.name());
            Activation in = activation(node.inputs().getFirst());
            String at = where + ", node '" + node.name() + "': ";
            switch (node.layer()) {
                case Conv2d c -> checkOp(at, node, ImplicitGemm.of(c, network.shapeOf(node.inputs().getFirst()), 1),
                        in, out, folds.get(node.name()));
                case Dense d -> checkOp(at, node, ImplicitGemm.of(d, 1), in, out, folds.get(node.name()));
                case Softmax s -> {
                    if (!(out instanceof Activation.F32)) {
                        throw new IllegalArgumentException(at + "the softmax output must be f32, got "
                                + out.describe());
                    }
                }
                default -> {
                    if (!out.equals(in)) {
                        throw new IllegalArgumentException(at + "a " + node.layer().type()
                                + " keeps its input's encoding " + in.describe() + ", got " + out.describe());
                    }
                }
            }
            if (!onArray(node.layer()) && ops.containsKey(node.name())) {
                throw new IllegalArgumentException(at + "a " + node.layer().type() + " has no array operands");
            }
        }
    }

    private void checkOp(String at, Network.Node node, ImplicitGemm g, Activation in, Activation out, String relu) {
        ArrayOp op = ops.get(node.name());
        if (op == null) {
            throw new IllegalArgumentException(at + "no array operands for this " + node.layer().type());
        }
        if (!Objects.equals(op.foldedRelu(), relu)) {
            throw new IllegalArgumentException(at + "folded ReLU is " + op.foldedRelu() + ", expected " + relu);
        }
        try {
            new ArrayLayer(g, op.operands());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
        switch (op.operands()) {
            case Operands.Int8Layer o -> {
                if (!op.format().equals(format)) {
                    throw new IllegalArgumentException(at + "int8 operands in format " + op.format()
                            + ", the network is " + format);
                }
                if (!(in instanceof Activation.Int8 i) || !(out instanceof Activation.Int8 y)
                        || i.params().zeroPoint() != o.inputZeroPoint()
                        || y.params().zeroPoint() != o.outputZeroPoint()) {
                    throw new IllegalArgumentException(at + "operand zero points " + o.inputZeroPoint() + " -> "
                            + o.outputZeroPoint() + " do not match the tensors " + in.describe() + " -> "
                            + out.describe());
                }
                if (o.relu() != (relu != null)) {
                    throw new IllegalArgumentException(at + "the operands' ReLU flag is " + o.relu());
                }
                float[] scales = weightScales.get(node.layer().name());
                if (scales == null || scales.length != g.outC()) {
                    throw new IllegalArgumentException(at + "layer '" + node.layer().name() + "' needs " + g.outC()
                            + " weight scales, got " + (scales == null ? "none" : scales.length));
                }
                boolean shift = ((Int8Format) format).requantMode() == Int8Format.RequantMode.MULTIPLIER_SHIFT;
                if (shift != (o.multipliers() != null)) {
                    throw new IllegalArgumentException(at + "requantization entries do not suit "
                            + ((Int8Format) format).requantMode());
                }
            }
            case Operands.FixedLayer o -> {
                if (!(format instanceof FixedFormat) || !(op.format() instanceof FixedFormat f)) {
                    throw new IllegalArgumentException(at + "fixed-point operands in a " + format + " network");
                }
                if (!(in instanceof Activation.Fixed) || !out.equals(new Activation.Fixed(f))) {
                    throw new IllegalArgumentException(at + "the output of a " + f + " layer must be " + f + ", got "
                            + out.describe() + " (input " + in.describe() + ")");
                }
                if (o.relu() != (relu != null)) {
                    throw new IllegalArgumentException(at + "the operands' ReLU flag is " + o.relu());
                }
            }
            case Operands.F32Layer o ->
                    throw new IllegalArgumentException(at + "float operands in a quantized network");
        }
    }

    /** The float network: structure, shapes and float weights. */
    public Network network() {
        return network;
    }

    /** The network's format: an {@link Int8Format}, or the default {@link FixedFormat} of its tensors. */
    public NumberFormat format() {
        return format;
    }

    /** The encoding of a tensor: {@link Network#INPUT} or a node's output. */
    public Activation activation(String tensor) {
        Activation a = activations.get(tensor);
        if (a == null) {
            throw new IllegalArgumentException("quantized network '" + network.name() + "' has no tensor '" + tensor
                    + "'");
        }
        return a;
    }

    /** Encodings by tensor name, the input first, then the nodes in order. */
    public Map<String, Activation> activations() {
        return activations;
    }

    /** The array operands of a convolution or dense node. */
    public ArrayOp op(String node) {
        ArrayOp op = ops.get(node);
        if (op == null) {
            throw new IllegalArgumentException("quantized network '" + network.name() + "': node '" + node
                    + "' is not a convolution or dense node");
        }
        return op;
    }

    /** Every array node's operands, in node order. */
    public List<ArrayOp> ops() {
        return new ArrayList<>(ops.values());
    }

    /** Whether a ReLU node is folded into the array node before it (it then passes its input on). */
    public boolean isFolded(String reluNode) {
        return ops.values().stream().anyMatch(o -> reluNode.equals(o.foldedRelu()));
    }

    /**
     * The number formats a node computes in: the encodings of the tensor it reads and of the tensor
     * it writes (int8 tensors in the network's {@link Int8Format}, a final softmax's output in
     * {@link F32}) and, for a convolution or dense node, its array format. A device runs the node
     * only if it computes every one of them.
     */
    public Set<NumberFormat> formats(Network.Node node) {
        Set<NumberFormat> out = new LinkedHashSet<>();
        out.add(formatOf(activation(node.inputs().getFirst())));
        if (ops.containsKey(node.name())) {
            out.add(ops.get(node.name()).format());
        }
        out.add(formatOf(activation(node.name())));
        return out;
    }

    private NumberFormat formatOf(Activation a) {
        return switch (a) {
            case Activation.Int8 i -> format;
            case Activation.Fixed f -> f.format();
            case Activation.F32 f -> F32.INSTANCE;
        };
    }

    /**
     * The last tensor held in integers: the output, or the logits when the network ends in a float
     * softmax (the input when nothing before it is an integer tensor).
     */
    public String lastInteger() {
        List<Network.Node> nodes = network.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (!(activation(nodes.get(i).name()) instanceof Activation.F32)) {
                return nodes.get(i).name();
            }
        }
        return Network.INPUT;
    }

    /** int8: per-channel weight scales (outC) of each array layer, by layer name; empty for fixed point. */
    public Map<String, float[]> weightScales() {
        return weightScales;
    }

    /** The ranges the encodings were chosen from, or {@code null} when none were measured. */
    public Calibration calibration() {
        return calibration;
    }

    /** A float input batch (n, ...input shape) in the input's encoding. */
    public Tensor quantizeInput(Tensor x) {
        ReferenceEngine.checkInput(network, x);
        return activation(Network.INPUT).encode(x, null);
    }

    /**
     * Checks that an array can run this network's values: int8 networks need an int8 array with
     * the same requantization mode (its accumulator width and overflow rule may differ); fixed-point
     * networks need an array of the network's format.
     *
     * @throws IllegalArgumentException naming the array, the network and both formats
     */
    public void requireArray(ArrayConfig cfg) {
        boolean ok = switch (format) {
            case Int8Format f -> cfg.format() instanceof Int8Format a && a.requantMode() == f.requantMode();
            default -> cfg.format().equals(format);
        };
        if (!ok) {
            throw new IllegalArgumentException("array '" + cfg.name() + "' is " + cfg.format() + ": network '"
                    + network.name() + "' is quantized to " + format + (format instanceof Int8Format f
                    ? " (an int8 array with " + f.requantMode() + " requantization is needed)"
                    : " (the array must use that format)"));
        }
    }

    /**
     * The array a node runs on: {@code cfg} with the data format replaced by {@code f} when they
     * differ. The accumulator keeps {@code cfg}'s width; its binary point follows {@code f} (2F
     * fraction bits).
     */
    static ArrayConfig configFor(ArrayConfig cfg, NumberFormat f) {
        if (!(f instanceof FixedFormat) || f.equals(cfg.format())) {
            return cfg;
        }
        return new ArrayConfig(cfg.name(), cfg.rows(), cfg.cols(), cfg.dataflow(), f, cfg.accumulatorBits(),
                cfg.inputSramBytes(), cfg.weightSramBytes(), cfg.outputSramBytes(), cfg.dramBytesPerCycle(),
                cfg.clockMhz(), cfg.doubleBufferedWeights(), cfg.poolingLanes());
    }

    @Override
    public String toString() {
        return "QuantizedNetwork " + network.name() + " (" + format + ", " + ops.size() + " array nodes)";
    }
}
