package io.systole.onnx;

import com.google.protobuf.ByteString;
import io.systole.arith.Int8Format;
import io.systole.arith.QuantParams;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.onnx.OnnxProto.AttributeProto;
import io.systole.onnx.OnnxProto.GraphProto;
import io.systole.onnx.OnnxProto.ModelProto;
import io.systole.onnx.OnnxProto.NodeProto;
import io.systole.onnx.OnnxProto.TensorProto;
import io.systole.onnx.OnnxProto.ValueInfoProto;
import io.systole.quant.Activation;
import io.systole.quant.QuantizedNetwork;
import io.systole.sim.Operands;
import io.systole.tensor.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes an int8 {@link QuantizedNetwork} as an ONNX model in QDQ form, which
 * {@link QuantizedImport} reads back and ONNX Runtime fuses into QLinearConv and QLinearMatMul:
 * the float graph of {@link OnnxExport} with
 * <ul>
 *   <li>every weight an int8 initializer {@code W.int8} with per-output-channel scales
 *       {@code W.scale} and zero points 0 {@code W.zero_point}, dequantized (axis 0) into the
 *       value {@code W} the Conv or Gemm reads;</li>
 *   <li>every bias an int32 initializer {@code B.int32} with scales input scale * weight scale,
 *       dequantized into {@code B};</li>
 *   <li>every int8 tensor (the input and each node output, except that of a convolution or dense
 *       node whose ReLU is folded, which the ReLU's output stands for) followed by QuantizeLinear
 *       to {@code V.q} and DequantizeLinear to {@code V.dq}, which its readers read.</li>
 * </ul>
 * A file means float-scale requantization, so only {@link Int8Format.RequantMode#FLOAT_SCALE}
 * networks are written; a layer applied at several nodes is refused (its bias would need one
 * scale per input).
 */
public final class QuantizedExport {
    private QuantizedExport() {
    }

    /** Writes the model to {@code file}, atomically. */
    public static void write(QuantizedNetwork q, Path file) throws IOException {
        ModelProto model = toProto(q);
        AtomicFiles.write(file, model::writeTo);
    }

    /**
     * The QDQ model of an int8 network.
     *
     * @throws IllegalArgumentException if the network is not int8 with float-scale requantization,
     *                                  or applies a layer at several nodes
     */
    public static ModelProto toProto(QuantizedNetwork q) {
        Network net = q.network();
        if (!(q.format() instanceof Int8Format f) || f.requantMode() != Int8Format.RequantMode.FLOAT_SCALE) {
            throw new IllegalArgumentException("network '" + net.name() + "' is " + q.format() + ": a QDQ ONNX file"
                    + " means int8 with FLOAT_SCALE requantization");
        }
        ModelProto floatModel = OnnxExport.toProto(net);
        GraphProto fg = floatModel.getGraph();
        Map<String, String> valueOf = new HashMap<>();
        valueOf.put(Network.INPUT, fg.getInput(0).getName());
        for (NodeProto n : fg.getNodeList()) {
            valueOf.put(n.getName(), n.getOutput(0));
        }
        GraphProto.Builder g = fg.toBuilder().clearNode().clearInitializer().clearOutput();
        Set<String> quantized = new HashSet<>();
        for (QuantizedNetwork.ArrayOp op : q.ops()) {
            quantizeParameters(q, op, g, quantized);
        }
        for (TensorProto t : fg.getInitializerList()) {
            if (!quantized.contains(t.getName())) {
                g.addInitializer(t);
            }
        }
        Map<String, String> reads = new HashMap<>();
        qdq(g, valueOf.get(Network.INPUT), q.activation(Network.INPUT), reads);
        Set<String> foldedInto = new HashSet<>();
        q.ops().forEach(op -> {
            if (op.foldedRelu() != null) {
                foldedInto.add(op.node());
            }
        });
        Map<String, String> nodeOfValue = new HashMap<>();
        valueOf.forEach((node, value) -> nodeOfValue.put(value, node));
        for (NodeProto n : fg.getNodeList()) {
            NodeProto.Builder b = n.toBuilder().clearInput();
            n.getInputList().forEach(v -> b.addInput(reads.getOrDefault(v, v)));
            g.addNode(b);
            String node = nodeOfValue.get(n.getOutput(0));
            boolean networkNode = net.nodes().stream().anyMatch(x -> x.name().equals(node));
            if (networkNode && !foldedInto.contains(node)) {
                qdq(g, n.getOutput(0), q.activation(node), reads);
            }
        }
        ValueInfoProto out = fg.getOutput(0);
        g.addOutput(out.toBuilder().setName(reads.getOrDefault(out.getName(), out.getName())));
        return floatModel.toBuilder().setGraph(g).build();
    }

    /** Replaces an array node's float weight (and bias) by an int8 (int32) initializer and a DequantizeLinear. */
    private static void quantizeParameters(QuantizedNetwork q, QuantizedNetwork.ArrayOp op, GraphProto.Builder g,
            Set<String> quantized) {
        Network net = q.network();
        Network.Node node = net.node(op.node());
        long uses = net.nodes().stream().filter(n -> n.layer() == node.layer()).count();
        if (uses > 1) {
            throw new IllegalArgumentException("network '" + net.name() + "': layer '" + node.layer().name()
                    + "' is applied at " + uses + " nodes; QDQ export needs each layer at one node");
        }
        Operands.Int8Layer o = (Operands.Int8Layer) op.operands();
        Parameter w = node.layer() instanceof Conv2d c ? c.weight() : ((Dense) node.layer()).weight();
        Parameter b = node.layer() instanceof Conv2d c ? c.bias() : ((Dense) node.layer()).bias();
        float[] ws = q.weightScales().get(node.layer().name());
        long[] dims = Arrays.stream(w.shape()).asLongStream().toArray();
        g.addInitializer(raw(w.name() + ".int8", TensorProto.DataType.INT8_VALUE, ByteString.copyFrom(o.weight()),
                dims));
        g.addInitializer(floats(w.name() + ".scale", ws, ws.length));
        g.addInitializer(raw(w.name() + ".zero_point", TensorProto.DataType.INT8_VALUE,
                ByteString.copyFrom(new byte[ws.length]), ws.length));
        g.addNode(dequantize(w.name(), w.name() + ".int8", w.name() + ".scale", w.name() + ".zero_point", true));
        quantized.add(w.name());
        if (b != null) {
            float in = ((Activation.Int8) q.activation(node.inputs().getFirst())).params().scale();
            float[] bs = new float[ws.length];
            for (int c = 0; c < bs.length; c++) {
                bs[c] = in * ws[c];
            }
            ByteBuffer raw = ByteBuffer.allocate(4 * o.bias().length).order(ByteOrder.LITTLE_ENDIAN);
            raw.asIntBuffer().put(o.bias());
            g.addInitializer(raw(b.name() + ".int32", TensorProto.DataType.INT32_VALUE, ByteString.copyFrom(raw.array()),
                    o.bias().length));
            g.addInitializer(floats(b.name() + ".scale", bs, bs.length));
            g.addNode(dequantize(b.name(), b.name() + ".int32", b.name() + ".scale", null, true));
            quantized.add(b.name());
        }
    }

    /** QuantizeLinear and DequantizeLinear after an int8 tensor's value; its readers read the result. */
    private static void qdq(GraphProto.Builder g, String value, Activation a, Map<String, String> reads) {
        if (!(a instanceof Activation.Int8(QuantParams p))) {
            return;
        }
        g.addInitializer(floats(value + ".scale", new float[] {p.scale()}));
        g.addInitializer(raw(value + ".zero_point", TensorProto.DataType.INT8_VALUE,
                ByteString.copyFrom(new byte[] {(byte) p.zeroPoint()})));
        g.addNode(NodeProto.newBuilder().setName(value + ".quantize").setOpType("QuantizeLinear").addInput(value)
                .addInput(value + ".scale").addInput(value + ".zero_point").addOutput(value + ".q"));
        g.addNode(dequantize(value + ".dq", value + ".q", value + ".scale", value + ".zero_point", false));
        reads.put(value, value + ".dq");
    }

    /** DequantizeLinear; {@code zeroPoint} null for none (int32), scales along axis 0 when {@code perChannel}. */
    private static NodeProto dequantize(String out, String in, String scale, String zeroPoint, boolean perChannel) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(out + ".dequantize").setOpType("DequantizeLinear")
                .addInput(in).addInput(scale).addOutput(out);
        if (zeroPoint != null) {
            n.addInput(zeroPoint);
        }
        if (perChannel) {
            n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(0));
        }
        return n.build();
    }

    private static TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(v);
        return raw(name, TensorProto.DataType.FLOAT_VALUE, ByteString.copyFrom(raw.array()), dims);
    }

    private static TensorProto raw(String name, int type, ByteString data, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(data);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
