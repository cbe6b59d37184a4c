package io.systole.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.systole.model.Add;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.model.Window;
import io.systole.onnx.OnnxProto.AttributeProto;
import io.systole.onnx.OnnxProto.AttributeProto.AttributeType;
import io.systole.onnx.OnnxProto.GraphProto;
import io.systole.onnx.OnnxProto.ModelProto;
import io.systole.onnx.OnnxProto.NodeProto;
import io.systole.onnx.OnnxProto.OperatorSetIdProto;
import io.systole.onnx.OnnxProto.StringStringEntryProto;
import io.systole.onnx.OnnxProto.TensorProto;
import io.systole.onnx.OnnxProto.TensorShapeProto;
import io.systole.onnx.OnnxProto.TypeProto;
import io.systole.onnx.OnnxProto.ValueInfoProto;
import io.systole.tensor.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a float network as an ONNX model: IR version 7, ai.onnx opset {@value #OPSET}. The
 * graph input is "input", float (N, C, H, W) or (N, F) with N symbolic; each network node is one
 * ONNX node of the same name (Conv, MaxPool, AveragePool with its count_include_pad, Relu,
 * Flatten, Gemm with transB = 1 so the (out, in) weight is stored as it is, Softmax over axis 1,
 * Add), whose output value carries the node name too. Every parameter is one float32 initializer
 * of its own name, little-endian raw data, bit for bit; a tied parameter is one initializer read
 * by several nodes. A node applying a layer of another name records it in the model metadata
 * ({@value #LAYER_KEY}NODE = LAYER) so that {@link OnnxImport} restores the layer's identity; a
 * dense layer fed an image gets a Flatten node before its Gemm, recorded there as part of that
 * layer (an empty layer name).
 */
public final class OnnxExport {
    /** The ai.onnx operator set version the files declare. */
    public static final int OPSET = 13;
    /** The metadata key prefix that names the layer a node applies. */
    static final String LAYER_KEY = "systole.layer.";

    private OnnxExport() {
    }

    /** Writes the model to {@code file}, atomically. */
    public static void write(Network net, Path file) throws IOException {
        ModelProto model = toProto(net);
        AtomicFiles.write(file, model::writeTo);
    }

    public static ModelProto toProto(Network net) {
        ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(7).setProducerName("systole")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        GraphProto.Builder g = GraphProto.newBuilder().setName(net.name())
                .addInput(valueInfo(Network.INPUT, net.inputShape()));
        Set<String> taken = new HashSet<>();
        taken.add(Network.INPUT);
        for (Parameter p : net.parameters()) {
            taken.add(p.name());
            g.addInitializer(tensor(p));
        }
        Set<String> nodeNames = new HashSet<>();
        net.nodes().forEach(n -> nodeNames.add(n.name()));
        Map<String, String> valueOf = new HashMap<>();
        valueOf.put(Network.INPUT, Network.INPUT);
        for (Network.Node n : net.nodes()) {
            List<String> in = n.inputs().stream().map(valueOf::get).toList();
            String out = fresh(n.name(), taken, Set.of());
            valueOf.put(n.name(), out);
            if (!n.name().equals(n.layer().name())) {
                model.addMetadataProps(entry(LAYER_KEY + n.name(), n.layer().name()));
            }
            NodeProto.Builder node = NodeProto.newBuilder().setName(n.name()).addAllInput(in).addOutput(out);
            switch (n.layer()) {
                case Conv2d c -> {
                    node.setOpType("Conv").addInput(c.weight().name());
                    if (c.bias() != null) {
                        node.addInput(c.bias().name());
                    }
                    window(node, c.window());
                    node.addAttribute(ints("dilations", c.window().dh(), c.window().dw()))
                            .addAttribute(integer("group", c.groups()));
                }
                case Pool2d p -> {
                    window(node.setOpType(p instanceof AvgPool2d ? "AveragePool" : "MaxPool"), p.window());
                    if (p instanceof AvgPool2d) {
                        node.addAttribute(integer("count_include_pad", p.countIncludePad() ? 1 : 0));
                    }
                }
                case Dense d -> {
                    if (net.shapeOf(n.inputs().getFirst()).isImage()) {
                        String flat = fresh(n.name() + ".flatten", taken, nodeNames);
                        g.addNode(NodeProto.newBuilder().setName(flat).setOpType("Flatten").addAllInput(in)
                                .addOutput(flat).addAttribute(integer("axis", 1)));
                        model.addMetadataProps(entry(LAYER_KEY + flat, ""));
                        node.setInput(0, flat);
                    }
                    node.setOpType("Gemm").addInput(d.weight().name()).addAttribute(integer("transB", 1));
                    if (d.bias() != null) {
                        node.addInput(d.bias().name());
                    }
                }
                case ReLU r -> node.setOpType("Relu");
                case Flatten f -> node.setOpType("Flatten").addAttribute(integer("axis", 1));
                case Softmax s -> node.setOpType("Softmax").addAttribute(integer("axis", 1));
                case Add a -> node.setOpType("Add");
            }
            g.addNode(node);
        }
        g.addOutput(valueInfo(valueOf.get(net.nodes().getLast().name()), net.outputShape()));
        return model.setGraph(g).build();
    }

    /** {@code base}, or base_2, base_3, ... : the first name in neither set; added to {@code taken}. */
    private static String fresh(String base, Set<String> taken, Set<String> alsoTaken) {
        String name = base;
        for (int k = 2; taken.contains(name) || alsoTaken.contains(name); k++) {
            name = base + "_" + k;
        }
        taken.add(name);
        return name;
    }

    private static void window(NodeProto.Builder node, Window w) {
        node.addAttribute(ints("kernel_shape", w.kh(), w.kw())).addAttribute(ints("strides", w.sh(), w.sw()))
                .addAttribute(ints("pads", w.ph(), w.pw(), w.ph(), w.pw()));
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** A parameter as a float32 initializer: dims as its shape, raw little-endian data. */
    private static TensorProto tensor(Parameter p) {
        ByteBuffer raw = ByteBuffer.allocate(4 * p.size()).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(p.data());
        ByteString bytes = UnsafeByteOperations.unsafeWrap(raw.array());
        TensorProto.Builder t = TensorProto.newBuilder().setName(p.name())
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(bytes);
        for (int d : p.shape()) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A float tensor value (N, ...shape) with the batch N symbolic. */
    private static ValueInfoProto valueInfo(String name, Shape shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : shape.dims()) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(s))).build();
    }
}
