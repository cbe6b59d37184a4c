package io.systole.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Shape;
import io.systole.onnx.OnnxProto.GraphProto;
import io.systole.onnx.OnnxProto.ModelProto;
import io.systole.onnx.OnnxProto.NodeProto;
import io.systole.onnx.OnnxProto.StringStringEntryProto;
import io.systole.onnx.OnnxProto.TensorProto;
import io.systole.onnx.OnnxProto.TensorShapeProto;
import io.systole.onnx.OnnxProto.ValueInfoProto;
import io.systole.onnx.Value.Activation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model as a float {@link Network}.
 *
 * <p>The graph must have one float input, (N, C, H, W) or (N, F) with the batch N free or fixed,
 * and one output. Supported operators: Conv, MaxPool, AveragePool, GlobalAveragePool and
 * GlobalMaxPool, Relu, Clip(0, inf) (as ReLU), Gemm and MatMul (as Dense; a following Add of a
 * constant becomes its bias, as does one after a bias-less Conv), Flatten, Reshape to (N, -1),
 * Softmax over features, Add of two tensors (a residual join), Identity and Dropout (passed
 * through), and constants with the shape arithmetic around a Reshape (Constant, Shape, Gather,
 * Unsqueeze, Squeeze, Concat, Cast, Add, Sub, Mul, Div), folded. Initializers become parameters
 * named after them; an initializer used by several nodes is one shared parameter. Node names are
 * kept; layer names are the node names reduced to letters, digits, '_', '.', '-', or the names a
 * systole export records in the model metadata (so a layer applied at several nodes is one layer
 * again). Nodes that nothing the output depends on are skipped.
 *
 * <p>Anything else is reported in one {@link ModelException} that names the file and lists every
 * node that cannot be imported, with its operator and the attribute or input at fault. Quantized
 * operators (QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul) are read by
 * {@link QuantizedImport} into a quantized network.
 */
public final class OnnxImport {
    /** One operator's importer. */
    @FunctionalInterface
    private interface Op {
        void convert(Conversion c) throws Unsupported;
    }

    private static final Map<String, Op> OPS = new LinkedHashMap<>();

    static {
        OPS.put("Conv", LayerOps::conv);
        OPS.put("MaxPool", c -> LayerOps.pool(c, true));
        OPS.put("AveragePool", c -> LayerOps.pool(c, false));
        OPS.put("GlobalMaxPool", c -> LayerOps.globalPool(c, true));
        OPS.put("GlobalAveragePool", c -> LayerOps.globalPool(c, false));
        OPS.put("Relu", LayerOps::relu);
        OPS.put("Clip", LayerOps::clip);
        OPS.put("Gemm", LayerOps::gemm);
        OPS.put("MatMul", LayerOps::matMul);
        OPS.put("Add", LayerOps::add);
        OPS.put("Flatten", LayerOps::flatten);
        OPS.put("Reshape", LayerOps::reshape);
        OPS.put("Softmax", LayerOps::softmax);
        OPS.put("Identity", LayerOps::identity);
        OPS.put("Dropout", LayerOps::dropout);
        OPS.put("Constant", ConstantOps::constant);
        OPS.put("Shape", ConstantOps::shape);
        OPS.put("Gather", ConstantOps::gather);
        OPS.put("Unsqueeze", c -> ConstantOps.unsqueeze(c, true));
        OPS.put("Squeeze", c -> ConstantOps.unsqueeze(c, false));
        OPS.put("Concat", ConstantOps::concat);
        OPS.put("Cast", ConstantOps::cast);
        OPS.put("Sub", ConstantOps::binary);
        OPS.put("Mul", ConstantOps::binary);
        OPS.put("Div", ConstantOps::binary);
    }

    private OnnxImport() {
    }

    /** Reads an ONNX file; errors name the file. */
    public static Network read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": no such file");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException(file + ": not a valid ONNX model (" + e.getMessage() + ")", e);
        }
        return fromProto(model, file.toString());
    }

    /**
     * Converts a parsed model; {@code source} names it in errors, and names the network when the
     * graph has no name.
     */
    public static Network fromProto(ModelProto model, String source) {
        return imported(model, source).network();
    }

    /**
     * A network imported from a graph, with the network node (or {@link Network#INPUT}) that each
     * ONNX value computed at run time stands for.
     */
    record Imported(Network network, Map<String, String> nodes) {
    }

    /** As {@link #fromProto}, keeping which ONNX value is which network node's output. */
    static Imported imported(ModelProto model, String source) {
        GraphProto g = model.getGraph();
        if (g.getNodeCount() == 0) {
            throw new ModelException(source + ": not an ONNX model, or an empty one: it has no graph nodes");
        }
        int opset = model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToInt(o -> Math.toIntExact(o.getVersion())).max()
                .orElseThrow(() -> new ModelException(source + ": imports no ai.onnx operator set (opset_import)"));
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<ValueInfoProto> inputs = g.getInputList().stream()
                .filter(v -> !initializers.contains(v.getName())).toList();
        if (inputs.size() != 1) {
            throw new ModelException(source + ": the graph has " + inputs.size() + " inputs "
                    + inputs.stream().map(ValueInfoProto::getName).toList() + "; a network has exactly one");
        }
        if (g.getOutputCount() != 1) {
            throw new ModelException(source + ": the graph has " + g.getOutputCount() + " outputs "
                    + g.getOutputList().stream().map(ValueInfoProto::getName).toList() + "; a network has exactly one");
        }
        ValueInfoProto input = inputs.getFirst();
        String output = g.getOutput(0).getName();
        long[] dims = inputDims(input, source);
        Shape shape = dims.length == 4 ? Shape.chw((int) dims[1], (int) dims[2], (int) dims[3])
                : Shape.flat((int) dims[1]);

        boolean[] needed = needed(g, output);
        Map<String, Integer> readers = new HashMap<>();
        readers.merge(output, 1, Integer::sum);
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (needed[i]) {
                g.getNode(i).getInputList().forEach(v -> readers.merge(v, 1, Integer::sum));
            }
        }
        Map<String, String> claims = new HashMap<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (e.getKey().startsWith(OnnxExport.LAYER_KEY)) {
                claims.put(e.getKey().substring(OnnxExport.LAYER_KEY.length()), e.getValue());
            }
        }
        Conversion c = new Conversion(opset, dims[0], readers, claims);
        for (TensorProto t : g.getInitializerList()) {
            c.define(t.getName(), Constant.of(t, t.getName()));
        }
        c.define(input.getName(), new Activation(Network.INPUT, shape));

        List<String> problems = new ArrayList<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (needed[i]) {
                convert(c, g.getNode(i), i, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelException(source + ": cannot import " + problems.size() + " node"
                    + (problems.size() == 1 ? "" : "s") + ":\n  " + String.join("\n  ", problems)
                    + "\n(supported operators: " + String.join(", ", OPS.keySet()) + ")");
        }
        if (!(c.value(output) instanceof Activation out) || out.node().equals(Network.INPUT)) {
            throw new ModelException(source + ": the graph output '" + output
                    + "' is not computed from the input by any node");
        }
        String name = g.getName().isBlank() ? source.replaceAll(".*[/\\\\]", "").replaceFirst("(?i)\\.onnx$", "")
                : g.getName();
        try {
            return new Imported(c.build(name, shape, out), c.activationNodes());
        } catch (ModelException e) {
            throw new ModelException(source + ": " + e.getMessage(), e);
        }
    }

    private static void convert(Conversion c, NodeProto n, int index, List<String> problems) {
        c.begin(n, index);
        String where = (n.getName().isEmpty() ? "node #" + index : "node '" + n.getName() + "'") + " ("
                + n.getOpType() + ")";
        try {
            Op op = OPS.get(n.getOpType());
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new Unsupported("operator domain '" + n.getDomain() + "' is not supported");
            }
            if (op == null) {
                throw new Unsupported("operator not supported");
            }
            op.convert(c);
        } catch (Unsupported e) {
            c.fail();
            if (!e.isUpstream()) {
                problems.add(where + ": " + e.getMessage());
            }
        } catch (ModelException | IllegalArgumentException | ArithmeticException e) {
            c.fail();
            problems.add(where + ": " + e.getMessage());
        }
    }

    /** Which nodes the output depends on, through the values they read. */
    private static boolean[] needed(GraphProto g, String output) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String v : g.getNode(i).getOutputList()) {
                producer.putIfAbsent(v, i);
            }
        }
        boolean[] needed = new boolean[g.getNodeCount()];
        List<String> todo = new ArrayList<>(List.of(output));
        while (!todo.isEmpty()) {
            Integer i = producer.get(todo.removeLast());
            if (i != null && !needed[i]) {
                needed[i] = true;
                todo.addAll(g.getNode(i).getInputList());
            }
        }
        return needed;
    }

    /** The input's (N, C, H, W) or (N, F), N = {@link Constant#BATCH} when symbolic. */
    private static long[] inputDims(ValueInfoProto input, String source) {
        var type = input.getType().getTensorType();
        List<TensorShapeProto.Dimension> d = type.getShape().getDimList();
        long[] dims = new long[d.size()];
        boolean ok = input.getType().hasTensorType() && type.getElemType() == TensorProto.DataType.FLOAT_VALUE
                && (dims.length == 2 || dims.length == 4);
        for (int i = 0; i < dims.length; i++) {
            dims[i] = d.get(i).hasDimValue() ? d.get(i).getDimValue() : i == 0 ? Constant.BATCH : -1;
            ok &= (i == 0 && dims[i] == Constant.BATCH) || (dims[i] > 0 && dims[i] <= Integer.MAX_VALUE);
        }
        if (!ok) {
            throw new ModelException(source + ": graph input '" + input.getName() + "' is "
                    + Constant.typeName(type.getElemType()) + " " + Constant.show(dims)
                    + "; expected FLOAT (N, C, H, W) or (N, F) with every dimension but N fixed");
        }
        return dims;
    }
}
