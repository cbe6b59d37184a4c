package io.systole.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.systole.arith.Int8Format;
import io.systole.arith.Int8Quant;
import io.systole.arith.QuantParams;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.ReLU;
import io.systole.onnx.OnnxProto.GraphProto;
import io.systole.onnx.OnnxProto.ModelProto;
import io.systole.onnx.OnnxProto.NodeProto;
import io.systole.onnx.OnnxProto.TensorProto;
import io.systole.onnx.OnnxProto.ValueInfoProto;
import io.systole.quant.Activation;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.Quantizer;
import io.systole.sim.Operands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a quantized ONNX model as a {@link QuantizedNetwork} in the int8 format with
 * {@link Int8Format.RequantMode#FLOAT_SCALE} requantization ({@link #FORMAT}), the arithmetic an
 * ONNX file means: ONNX Runtime requantizes with a float32 scale and rounds half to even.
 *
 * <p>Two forms are read, and may be mixed:
 * <ul>
 *   <li>QDQ: QuantizeLinear/DequantizeLinear pairs on activations, DequantizeLinear of int8
 *       weights and int32 biases in front of float Conv, Gemm or MatMul;</li>
 *   <li>QOperator: QLinearConv and QLinearMatMul between a QuantizeLinear of the float input and a
 *       DequantizeLinear of the result.</li>
 * </ul>
 * The graph is rewritten to float (weights and biases dequantized, activation pairs removed) and
 * imported by {@link OnnxImport}; the scales and zero points and the exact int8 weights and int32
 * biases become the network's {@link Quantizer.Int8Parameters}. What the int8 format holds is
 * required: int8 or uint8 activations with a scale and zero point per tensor (uint8 values are
 * read as the int8 values of the same real numbers, zero point less 128), symmetric int8 weights in
 * [-127, 127] with zero point 0 and a scale per tensor or per output channel, int32 biases in
 * units of input scale * weight scale, and pooling, flatten and unfolded ReLU outputs in their
 * input's encoding. Every node that breaks a rule is named in one {@link ModelException}.
 */
public final class QuantizedImport {
    /** The format of every imported network: 32-bit wrapping accumulator, float scale requantization. */
    public static final Int8Format FORMAT = new Int8Format(32, Int8Format.AccOverflow.WRAP,
            Int8Format.RequantMode.FLOAT_SCALE);

    /** What a uint8 activation value is above the int8 value of the same real number. */
    private static final int UINT8_OFFSET = 128;

    private final Map<String, Constant> constants = new HashMap<>();
    /** int8 activation value -> the float value it quantizes. */
    private final Map<String, String> floatOf = new HashMap<>();
    /** float activation value -> its int8 parameters. */
    private final Map<String, QuantParams> params = new LinkedHashMap<>();
    /** dequantized weight initializer -> its scales (1 or one per output channel). */
    private final Map<String, float[]> weightScales = new HashMap<>();
    /** dequantized bias initializer -> its int32 values, and their scales (1 or one per channel). */
    private final Map<String, int[]> biases = new HashMap<>();
    private final Map<String, float[]> biasScales = new HashMap<>();
    private final GraphProto.Builder graph;
    private final List<String> problems = new ArrayList<>();
    /** Outputs of nodes that could not be rewritten (a node reading one is rewritten for its own problems). */
    private final Set<String> failed = new HashSet<>();

    private QuantizedImport(GraphProto g) {
        graph = g.toBuilder().clearNode();
        for (TensorProto t : g.getInitializerList()) {
            constants.put(t.getName(), Constant.of(t, t.getName()));
        }
    }

    /** The operators that make a graph quantized. */
    private static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "QLinearMatMul");

    /**
     * Whether {@code file} is an ONNX model with a quantized operator, to be read by {@link #read};
     * false for anything else, including files that are not ONNX models (which
     * {@link OnnxImport#read} then reports).
     */
    public static boolean isQuantized(Path file) {
        try {
            ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
            return model.getGraph().getNodeList().stream().anyMatch(n -> QUANTIZED_OPS.contains(n.getOpType()));
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads a quantized ONNX file; errors name the file. */
    public static QuantizedNetwork read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": no such file");
        }
        try {
            return fromProto(ModelProto.parseFrom(Files.readAllBytes(file)), file.toString());
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(file + ": not a valid ONNX model (" + e.getMessage() + ")", e);
        }
    }

    /** Converts a parsed quantized model; {@code source} names it in errors. */
    public static QuantizedNetwork fromProto(ModelProto model, String source) {
        QuantizedImport q = new QuantizedImport(model.getGraph());
        for (int i = 0; i < model.getGraph().getNodeCount(); i++) {
            NodeProto n = model.getGraph().getNode(i);
            try {
                q.rewrite(n, i);
                if (n.getInputList().stream().anyMatch(q.failed::contains)) {
                    q.failed.addAll(n.getOutputList());
                }
            } catch (Unsupported e) {
                q.failed.addAll(n.getOutputList());
                if (e.isUpstream()) {
                    continue;
                }
                q.problems.add((n.getName().isEmpty() ? "node #" + i : "node '" + n.getName() + "'") + " ("
                        + n.getOpType() + "): " + e.getMessage());
            }
        }
        if (q.problems.isEmpty()) {
            q.problems.addAll(q.checkGraphInput());
        }
        if (!q.problems.isEmpty()) {
            throw new ModelException(source + ": cannot import the quantized graph, " + q.problems.size() + " problem"
                    + (q.problems.size() == 1 ? "" : "s") + ":\n  " + String.join("\n  ", q.problems));
        }
        for (int i = 0; i < q.graph.getOutputCount(); i++) {
            ValueInfoProto out = q.graph.getOutput(i);
            q.graph.setOutput(i, out.toBuilder().setName(q.rename(out.getName())).setType(floatType(out)));
        }
        OnnxImport.Imported imported = OnnxImport.imported(model.toBuilder().setGraph(q.graph).build(), source);
        try {
            return q.quantize(imported);
        } catch (IllegalArgumentException e) {
            throw new ModelException(source + ": " + e.getMessage(), e);
        }
    }

    private static OnnxProto.TypeProto floatType(ValueInfoProto v) {
        return v.getType().toBuilder().setTensorType(v.getType().getTensorType().toBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE)).build();
    }

    private String rename(String value) {
        return floatOf.getOrDefault(value, value);
    }

    private void rewrite(NodeProto n, int index) throws Unsupported {
        String name = n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName();
        switch (n.getOpType()) {
            case "QuantizeLinear" -> {
                activationParams(rename(n.getInput(0)), n, 1);
                floatOf.put(n.getOutput(0), rename(n.getInput(0)));
            }
            case "DequantizeLinear" -> dequantize(n);
            case "QLinearConv" -> {
                activationParams(rename(n.getInput(0)), n, 1);
                QuantParams x = params.get(rename(n.getInput(0)));
                float[] ws = dequantizeWeight(n.getInput(3), n.getInput(4), n.getInput(5), 0);
                List<String> inputs = new ArrayList<>(List.of(rename(n.getInput(0)), n.getInput(3)));
                if (n.getInputCount() > 8 && !n.getInput(8).isEmpty()) {
                    float[] bs = new float[ws.length];
                    for (int o = 0; o < bs.length; o++) {
                        bs[o] = x.scale() * ws[o];
                    }
                    dequantizeBias(n.getInput(8), bs);
                    inputs.add(n.getInput(8));
                }
                activationParams(n.getOutput(0), n, 6);
                floatOf.put(n.getOutput(0), n.getOutput(0));
                graph.addNode(n.toBuilder().setName(name).setOpType("Conv").clearInput().addAllInput(inputs));
            }
            case "QLinearMatMul" -> {
                activationParams(rename(n.getInput(0)), n, 1);
                dequantizeWeight(n.getInput(3), n.getInput(4), n.getInput(5), 1);
                activationParams(n.getOutput(0), n, 6);
                floatOf.put(n.getOutput(0), n.getOutput(0));
                graph.addNode(n.toBuilder().setName(name).setOpType("MatMul").clearInput()
                        .addInput(rename(n.getInput(0))).addInput(n.getInput(3)));
            }
            default -> {
                NodeProto.Builder b = n.toBuilder().setName(name).clearInput();
                n.getInputList().forEach(v -> b.addInput(rename(v)));
                graph.addNode(b);
            }
        }
    }

    /** Records the scale and zero point at inputs {@code at}, {@code at + 1} of a node for a float value. */
    private void activationParams(String value, NodeProto n, int at) throws Unsupported {
        QuantParams p = scalarParams(value, n, at);
        QuantParams had = params.putIfAbsent(value, p);
        if (had != null && !had.equals(p)) {
            throw new Unsupported("tensor '" + value + "' is quantized with scale " + p.scale() + ", zero point "
                    + p.zeroPoint() + " here and scale " + had.scale() + ", zero point " + had.zeroPoint()
                    + " elsewhere; a tensor has one encoding");
        }
    }

    /**
     * One scale and zero point for an activation. A uint8 tensor is read as the int8 tensor of the
     * same real values: every value and the zero point less 128 (an absent zero point is uint8 0).
     */
    private QuantParams scalarParams(String value, NodeProto n, int at) throws Unsupported {
        Constant s = constant(n, at);
        boolean hasZero = n.getInputCount() > at + 1 && !n.getInput(at + 1).isEmpty();
        Constant z = hasZero ? constant(n, at + 1) : null;
        if (s.size() != 1 || (z != null && z.size() != 1)) {
            throw new Unsupported("tensor '" + value + "' has " + s.size()
                    + " scales; the int8 format has one scale and zero point per activation tensor");
        }
        int zeroPoint;
        if (z == null || z.type() == TensorProto.DataType.UINT8_VALUE) {
            zeroPoint = (z == null ? 0 : (int) z.longs()[0]) - UINT8_OFFSET;
        } else if (z.type() == TensorProto.DataType.INT8_VALUE) {
            zeroPoint = (int) z.longs()[0];
        } else {
            throw new Unsupported("zero point '" + z.name() + "' is " + Constant.typeName(z.type())
                    + "; activations must be INT8 or UINT8");
        }
        try {
            return new QuantParams(s.floats()[0], zeroPoint);
        } catch (IllegalArgumentException e) {
            throw new Unsupported("tensor '" + value + "': " + e.getMessage());
        }
    }

    private Constant constant(NodeProto n, int i) throws Unsupported {
        Constant c = i < n.getInputCount() ? constants.get(n.getInput(i)) : null;
        if (c == null) {
            throw new Unsupported("input " + i + (i < n.getInputCount() ? " '" + n.getInput(i) + "'" : "")
                    + " must be an initializer");
        }
        return c;
    }

    private static void requireInt8(Constant c) throws Unsupported {
        if (c.type() != TensorProto.DataType.INT8_VALUE) {
            throw new Unsupported("weight '" + c.name() + "' is " + Constant.typeName(c.type())
                    + "; the int8 format's weights are symmetric INT8");
        }
    }

    /** DequantizeLinear of an int8 weight or int32 bias initializer, or of an int8 activation. */
    private void dequantize(NodeProto n) throws Unsupported {
        String in = n.getInput(0);
        String out = n.getOutput(0);
        Constant c = constants.get(in);
        if (c == null) {
            if (failed.contains(in)) {
                throw Unsupported.upstream();
            }
            if (!floatOf.containsKey(in)) {
                throw new Unsupported("input '" + in + "' is not the output of a QuantizeLinear, QLinearConv or"
                        + " QLinearMatMul, nor an initializer");
            }
            activationParams(floatOf.get(in), n, 1);
            floatOf.put(out, floatOf.get(in));
            return;
        }
        if (c.type() == TensorProto.DataType.INT32_VALUE) {
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                requireZeros(constant(n, 2), "bias");
            }
            dequantizeBias(in, constant(n, 1).floats());
            renameInitializer(in, out);
            return;
        }
        long axis = new Attributes(n, "axis", "block_size").integer("axis", 1);
        dequantizeWeight(in, n.getInput(1), n.getInputCount() > 2 ? n.getInput(2) : "", (int) axis);
        renameInitializer(in, out);
    }

    /** Replaces initializer {@code from} (already dequantized under its own name) by the name {@code to}. */
    private void renameInitializer(String from, String to) {
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals(from)) {
                graph.setInitializer(i, graph.getInitializer(i).toBuilder().setName(to));
            }
        }
        if (weightScales.containsKey(from)) {
            weightScales.put(to, weightScales.get(from));
        }
        if (biases.containsKey(from)) {
            biases.put(to, biases.get(from));
            biasScales.put(to, biasScales.get(from));
        }
        constants.put(to, constants.get(from));
    }

    /**
     * Replaces int8 weight initializer {@code w} by its float32 values {@code q * scale} (scales
     * per tensor, or along {@code axis}) and records the scales; returns them per output channel
     * when per channel, else the one scale.
     */
    private float[] dequantizeWeight(String w, String scale, String zeroPoint, int axis) throws Unsupported {
        Constant q = constants.get(w);
        Constant s = constants.get(scale);
        if (q == null || s == null) {
            throw new Unsupported("weight '" + w + "' and its scale '" + scale + "' must be initializers");
        }
        requireInt8(q);
        if (!zeroPoint.isEmpty()) {
            Constant z = constants.get(zeroPoint);
            if (z == null) {
                throw new Unsupported("weight zero point '" + zeroPoint + "' must be an initializer");
            }
            requireZeros(z, "weight");
        }
        long[] v = q.longs();
        float[] sc = s.floats();
        long[] dims = q.dims();
        int ax = axis < 0 ? axis + dims.length : axis;
        if (sc.length != 1 && (ax < 0 || ax >= dims.length || dims[ax] != sc.length)) {
            throw new Unsupported("weight '" + w + "' " + Constant.show(dims) + " has " + sc.length
                    + " scales along axis " + axis + "; expected one, or one per output channel");
        }
        long inner = 1;
        for (int d = ax + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < -Int8Quant.WEIGHT_MAX) {
                throw new Unsupported("weight '" + w + "' holds " + v[i] + "; symmetric int8 weights are in [-"
                        + Int8Quant.WEIGHT_MAX + ", " + Int8Quant.WEIGHT_MAX + "]");
            }
            f[i] = Int8Quant.dequantize((int) v[i], sc.length == 1 ? sc[0] : sc[(int) (i / inner % sc.length)], 0);
        }
        replaceInitializer(w, f, dims);
        weightScales.put(w, sc);
        return sc;
    }

    private void dequantizeBias(String b, float[] scales) throws Unsupported {
        Constant q = constants.get(b);
        if (q == null || q.type() != TensorProto.DataType.INT32_VALUE || q.rank() != 1) {
            throw new Unsupported("bias '" + b + "' must be an INT32 initializer of one dimension");
        }
        long[] v = q.longs();
        if (scales.length != 1 && scales.length != v.length) {
            throw new Unsupported("bias '" + b + "' has " + v.length + " values and " + scales.length + " scales");
        }
        int[] ints = new int[v.length];
        float[] f = new float[v.length];
        for (int o = 0; o < v.length; o++) {
            ints[o] = (int) v[o];
            f[o] = Int8Quant.dequantize(ints[o], scales.length == 1 ? scales[0] : scales[o], 0);
        }
        replaceInitializer(b, f, q.dims());
        biases.put(b, ints);
        biasScales.put(b, scales);
    }

    private void replaceInitializer(String name, float[] v, long[] dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        Arrays.stream(dims).forEach(t::addDims);
        for (float x : v) {
            t.addFloatData(x);
        }
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals(name)) {
                graph.setInitializer(i, t);
            }
        }
    }

    private static void requireZeros(Constant z, String what) throws Unsupported {
        for (long v : z.longs()) {
            if (v != 0) {
                throw new Unsupported(what + " zero point '" + z.name() + "' holds " + v + "; the int8 format's "
                        + what + "s are symmetric (zero point 0)");
            }
        }
    }

    private List<String> checkGraphInput() {
        List<String> p = new ArrayList<>();
        for (ValueInfoProto in : graph.getInputList()) {
            if (!constants.containsKey(in.getName()) && !params.containsKey(in.getName())) {
                p.add("graph input '" + in.getName() + "' is not quantized by a QuantizeLinear");
            }
        }
        return p;
    }

    /** The network's int8 parameters from what the rewrite recorded, checked against the float network. */
    private QuantizedNetwork quantize(OnnxImport.Imported imported) {
        Network net = imported.network();
        Map<String, QuantParams> byNode = new LinkedHashMap<>();
        params.forEach((value, p) -> {
            String node = imported.nodes().get(value);
            if (node != null) {
                QuantParams had = byNode.putIfAbsent(node, p);
                if (had != null && !had.equals(p)) {
                    throw new IllegalArgumentException("node '" + node + "': its output is quantized twice, with "
                            + had + " and " + p);
                }
            }
        });
        Map<String, QuantParams> tensors = new LinkedHashMap<>();
        Map<String, float[]> scales = new LinkedHashMap<>();
        Map<String, int[]> ints = new LinkedHashMap<>();
        tensors.put(Network.INPUT, byNode.get(Network.INPUT));
        for (Network.Node node : net.nodes()) {
            Parameter w;
            Parameter b;
            int outC;
            switch (node.layer()) {
                case Conv2d c -> {
                    w = c.weight();
                    b = c.bias();
                    outC = c.outChannels();
                }
                case Dense d -> {
                    w = d.weight();
                    b = d.bias();
                    outC = d.outFeatures();
                }
                default -> {
                    continue;
                }
            }
            QuantParams out = byNode.containsKey(node.name()) ? byNode.get(node.name()) : byNode.get(reluAfter(net,
                    node));
            if (out == null) {
                throw new IllegalArgumentException("node '" + node.name() + "': its output is not quantized (no"
                        + " QuantizeLinear after it or after its ReLU)");
            }
            tensors.put(node.name(), out);
            float[] s = weightScales.get(w.name());
            if (s == null) {
                throw new IllegalArgumentException("node '" + node.name() + "': weight '" + w.name()
                        + "' is float; a quantized model dequantizes int8 weights");
            }
            float[] ws = s.length == 1 ? filled(outC, s[0]) : s;
            scales.put(node.layer().name(), ws);
            if (b != null) {
                int[] q = biases.get(b.name());
                if (q == null) {
                    throw new IllegalArgumentException("node '" + node.name() + "': bias '" + b.name()
                            + "' is float; a quantized model dequantizes an int32 bias");
                }
                float[] bs = biasScales.get(b.name());
                float in = inputScale(net, node, tensors);
                for (int o = 0; o < outC; o++) {
                    if (bs[bs.length == 1 ? 0 : o] != in * ws[o]) {
                        throw new IllegalArgumentException("node '" + node.name() + "': bias '" + b.name()
                                + "' channel " + o + " has scale " + bs[bs.length == 1 ? 0 : o] + "; the int8 format's"
                                + " bias is in units of input scale * weight scale = " + in * ws[o]);
                    }
                }
                ints.put(node.layer().name(), q);
            }
        }
        QuantizedNetwork q = Quantizer.int8(net, FORMAT, new Quantizer.Int8Parameters(tensors, scales, ints), null)
                .network();
        checkEncodings(q, byNode);
        checkWeights(q);
        return q;
    }

    /**
     * The scale of a node's input: that of the nearest array node (or the network input) before
     * it, since every node between keeps its input's encoding.
     */
    private static float inputScale(Network net, Network.Node node, Map<String, QuantParams> tensors) {
        String t = node.inputs().getFirst();
        while (!tensors.containsKey(t)) {
            t = net.node(t).inputs().getFirst();
        }
        return tensors.get(t).scale();
    }

    /** The ReLU node that alone reads {@code node}, or null. */
    private static String reluAfter(Network net, Network.Node node) {
        List<Network.Node> readers = net.nodes().stream().filter(n -> n.inputs().contains(node.name())).toList();
        return readers.size() == 1 && readers.getFirst().layer() instanceof ReLU ? readers.getFirst().name() : null;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    /**
     * Every array layer's int8 weights times their scales give its float weights back bit for bit,
     * so the int8 weights are the file's (a Gemm alpha, say, would break this).
     */
    private static void checkWeights(QuantizedNetwork q) {
        for (QuantizedNetwork.ArrayOp op : q.ops()) {
            Network.Node node = q.network().node(op.node());
            Parameter w = node.layer() instanceof Conv2d c ? c.weight() : ((Dense) node.layer()).weight();
            float[] scales = q.weightScales().get(node.layer().name());
            byte[] wq = ((Operands.Int8Layer) op.operands()).weight();
            int k = wq.length / scales.length;
            for (int i = 0; i < wq.length; i++) {
                if (Float.compare(Int8Quant.dequantize(wq[i], scales[i / k], 0), w.data()[i]) != 0) {
                    throw new IllegalArgumentException("node '" + op.node() + "': weight '" + w.name()
                            + "' is not int8 times a scale per output channel (an attribute such as Gemm's alpha"
                            + " rescales it)");
                }
            }
        }
    }

    /** Every tensor quantized in the file has that encoding in the network, and every weight is exact. */
    private static void checkEncodings(QuantizedNetwork q, Map<String, QuantParams> byNode) {
        byNode.forEach((node, p) -> {
            Activation a = q.activation(node);
            if (!(a instanceof Activation.Int8(QuantParams have)) || !have.equals(p)) {
                throw new IllegalArgumentException("node '" + node + "': the file quantizes its output with scale "
                        + p.scale() + ", zero point " + p.zeroPoint() + ", but the int8 format gives it "
                        + a.describe() + " (pooling, flatten and ReLU keep their input's encoding)");
            }
        });
    }
}
