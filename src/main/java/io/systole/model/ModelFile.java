package io.systole.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.onnx.OnnxImport;
import io.systole.tensor.AtomicFiles;
import io.systole.tensor.DType;
import io.systole.tensor.Npz;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model files: a readable JSON description of the layers and graph, plus the parameters in a
 * numpy {@code .npz} archive beside it (named in the JSON's {@code weights} field), keyed by
 * parameter name. A parameter named by several layers is one shared parameter. The
 * {@code graph} list is written only when the network is not a plain chain of distinct layers.
 */
public final class ModelFile {
    /** The format tag written into every file. */
    public static final String FORMAT = "systole-model/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {
    }

    /** A zoo name, or a path to a model file, or to an ONNX model ({@code .onnx}). */
    public static Network resolve(String spec) throws IOException {
        if (Zoo.has(spec)) {
            return Zoo.get(spec);
        }
        Path p = Path.of(spec);
        if (!Files.exists(p)) {
            throw new ModelException("'" + spec + "' is neither a zoo model (see `systole zoo`) nor an existing file");
        }
        return spec.toLowerCase(Locale.ROOT).endsWith(".onnx") ? OnnxImport.read(p) : load(p);
    }

    /** Writes {@code file} (JSON) and its weights archive beside it, each atomically. */
    public static void save(Network net, Path file) throws IOException {
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        Path npz = file.resolveSibling(stem + ".npz");
        ObjectNode root = toJson(net);
        root.put("weights", npz.getFileName().toString());
        Npz.write(npz, parameters(net));
        AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
    }

    /**
     * The JSON description of a network as a model file holds it ({@code format}, {@code name},
     * {@code input}, {@code layers}, and {@code graph} unless the network is a plain chain), without
     * the {@code weights} field; other files embed it.
     */
    public static ObjectNode toJson(Network net) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", net.name());
        root.set("input", ints(net.inputShape().dims()));
        ArrayNode layers = root.putArray("layers");
        for (Layer l : net.layers()) {
            layers.add(describe(l));
        }
        if (!isPlainChain(net)) {
            ArrayNode graph = root.putArray("graph");
            for (Network.Node n : net.nodes()) {
                ObjectNode g = graph.addObject();
                g.put("node", n.name());
                g.put("layer", n.layer().name());
                ArrayNode in = g.putArray("inputs");
                n.inputs().forEach(in::add);
            }
        }
        return root;
    }

    /** Every distinct parameter's values, copied, by parameter name (the weights archive's content). */
    public static Map<String, Tensor> parameters(Network net) {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) {
            arrays.put(p.name(), Tensor.of(p.data().clone(), p.shape()));
        }
        return arrays;
    }

    private static boolean isPlainChain(Network net) {
        return net.isSequential() && net.layers().size() == net.nodes().size()
                && net.nodes().stream().allMatch(n -> n.name().equals(n.layer().name()));
    }

    private static ArrayNode ints(int... v) {
        ArrayNode a = JSON.createArrayNode();
        for (int x : v) {
            a.add(x);
        }
        return a;
    }

    private static ObjectNode describe(Layer l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", l.name());
        o.put("type", l.type());
        switch (l) {
            case Conv2d c -> {
                o.put("in_channels", c.inChannels());
                o.put("out_channels", c.outChannels());
                window(o, c.window());
                o.set("dilation", ints(c.window().dh(), c.window().dw()));
                o.put("groups", c.groups());
                o.put("weight", c.weight().name());
                o.put("bias", c.bias() == null ? null : c.bias().name());
            }
            case Pool2d p -> {
                window(o, p.window());
                if (p instanceof AvgPool2d) {
                    o.put("count_include_pad", p.countIncludePad());
                }
            }
            case Dense d -> {
                o.put("in_features", d.inFeatures());
                o.put("out_features", d.outFeatures());
                o.put("weight", d.weight().name());
                o.put("bias", d.bias() == null ? null : d.bias().name());
            }
            default -> {
            }
        }
        return o;
    }

    private static void window(ObjectNode o, Window w) {
        o.set("kernel", ints(w.kh(), w.kw()));
        o.set("stride", ints(w.sh(), w.sw()));
        o.set("padding", ints(w.ph(), w.pw()));
    }

    /** Reads a model file and its weights; every error names the file, and the layer and field. */
    public static Network load(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        Reader r = new Reader(file);
        if (root == null || !root.isObject()) {
            throw r.error("the top level must be a JSON object");
        }
        r.requireFormat(root);
        Map<String, Tensor> weights = Map.of();
        if (root.hasNonNull("weights")) {
            Path npz = file.resolveSibling(r.text(root, "", "weights"));
            if (!Files.exists(npz)) {
                throw r.error("weights file '" + npz + "' (field 'weights') does not exist");
            }
            weights = Npz.read(npz);
        }
        return fromJson(root, weights, file);
    }

    /**
     * A network from its JSON description ({@link #toJson}) and its parameters by name; errors
     * name {@code file}, and the layer and field.
     */
    public static Network fromJson(JsonNode root, Map<String, Tensor> weights, Path file) {
        Reader r = new Reader(file);
        if (root == null || !root.isObject()) {
            throw r.error("the model description must be a JSON object");
        }
        r.requireFormat(root);
        String name = r.text(root, "", "name");
        int[] in = r.intArray(root, "", "input", -1);
        Map<String, Parameter> params = new HashMap<>();
        Map<String, Layer> layers = new LinkedHashMap<>();
        JsonNode layerList = root.get("layers");
        if (layerList == null || !layerList.isArray() || layerList.isEmpty()) {
            throw r.error("field 'layers' must be a non-empty list");
        }
        for (JsonNode l : layerList) {
            Layer layer = r.layer(l, weights, params);
            if (layers.put(layer.name(), layer) != null) {
                throw r.error("layer '" + layer.name() + "' is defined twice");
            }
        }
        try {
            Network.Builder b = Network.builder(name, in.length == 3 ? Shape.chw(in[0], in[1], in[2])
                    : in.length == 1 ? Shape.flat(in[0]) : null);
            JsonNode graph = root.get("graph");
            if (graph == null) {
                layers.values().forEach(b::add);
            } else {
                for (JsonNode g : graph) {
                    String layerName = r.text(g, "graph", "layer");
                    Layer l = layers.get(layerName);
                    if (l == null) {
                        throw r.error("graph node '" + g.path("node").asText() + "': field 'layer' names unknown layer '"
                                + layerName + "'");
                    }
                    List<String> inputs = new ArrayList<>();
                    g.path("inputs").forEach(i -> inputs.add(i.asText()));
                    b.addNode(r.text(g, "graph", "node"), l, inputs.toArray(String[]::new));
                }
            }
            return b.build();
        } catch (ModelException | IllegalArgumentException e) {
            if (e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw r.error(e.getMessage());
        }
    }

    /** Field readers that name the file, layer and field in every error. */
    private record Reader(Path file) {
        ModelException error(String what) {
            return new ModelException(file + ": " + what);
        }

        void requireFormat(JsonNode root) {
            if (!FORMAT.equals(root.path("format").asText())) {
                throw error("field 'format' must be \"" + FORMAT + "\", got " + root.path("format"));
            }
        }

        private String where(String layer, String field) {
            return (layer.isEmpty() ? "" : "layer '" + layer + "': ") + "field '" + field + "'";
        }

        String text(JsonNode o, String layer, String field) {
            JsonNode v = o.get(field);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw error(where(layer, field) + " must be a non-empty string, got " + v);
            }
            return v.asText();
        }

        int integer(JsonNode o, String layer, String field, int dflt) {
            JsonNode v = o.get(field);
            if (v == null && dflt != Integer.MIN_VALUE) {
                return dflt;
            }
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
                throw error(where(layer, field) + " must be an integer, got " + v);
            }
            return v.asInt();
        }

        /** An integer list of length n (any length for n = -1); a scalar stands for n equal values. */
        int[] intArray(JsonNode o, String layer, String field, int n) {
            JsonNode v = o.get(field);
            if (v != null && v.isIntegralNumber() && n > 0) {
                int[] a = new int[n];
                java.util.Arrays.fill(a, v.asInt());
                return a;
            }
            if (v == null || !v.isArray() || (n > 0 && v.size() != n)) {
                throw error(where(layer, field) + " must be a list of " + (n > 0 ? n + " " : "") + "integers, got " + v);
            }
            int[] a = new int[v.size()];
            for (int i = 0; i < a.length; i++) {
                if (!v.get(i).isIntegralNumber()) {
                    throw error(where(layer, field) + " must hold integers, got " + v);
                }
                a[i] = v.get(i).asInt();
            }
            return a;
        }

        int[] optPair(JsonNode o, String layer, String field, int dflt) {
            return o.has(field) ? intArray(o, layer, field, 2) : new int[] {dflt, dflt};
        }

        Parameter param(JsonNode o, String layer, String field, Map<String, Tensor> weights,
                Map<String, Parameter> params, int... shape) {
            String key = text(o, layer, field);
            Parameter known = params.get(key);
            if (known != null) {
                try {
                    return known.requireShape(layer, field, shape);
                } catch (ModelException e) {
                    throw error(e.getMessage());
                }
            }
            Tensor t = weights.get(key);
            if (t == null) {
                throw error(where(layer, field) + ": parameter '" + key + "' is missing from the weights file");
            }
            if (t.dtype() != DType.F32 || !java.util.Arrays.equals(t.shape(), shape)) {
                throw error(where(layer, field) + ": parameter '" + key + "' is " + t.dtype() + " "
                        + java.util.Arrays.toString(t.shape()) + ", expected F32 " + java.util.Arrays.toString(shape));
            }
            Parameter p = new Parameter(key, t.floats().clone(), shape);
            params.put(key, p);
            return p;
        }

        Layer layer(JsonNode l, Map<String, Tensor> weights, Map<String, Parameter> params) {
            if (!l.isObject()) {
                throw error("every entry of 'layers' must be an object, got " + l);
            }
            String name = text(l, "", "name");
            String type = text(l, name, "type");
            try {
                return switch (type) {
                    case "conv2d" -> {
                        int in = integer(l, name, "in_channels", Integer.MIN_VALUE);
                        int out = integer(l, name, "out_channels", Integer.MIN_VALUE);
                        int groups = integer(l, name, "groups", 1);
                        int[] k = intArray(l, name, "kernel", 2);
                        int[] s = optPair(l, name, "stride", 1);
                        int[] p = optPair(l, name, "padding", 0);
                        int[] d = optPair(l, name, "dilation", 1);
                        Conv2d.Builder b = Conv2d.builder().setName(name).setInChannels(in).setOutChannels(out)
                                .setKernel(k[0], k[1]).optStride(s[0], s[1]).optPadding(p[0], p[1])
                                .optDilation(d[0], d[1]).optGroups(groups).optBias(l.hasNonNull("bias"));
                        if (in > 0 && out > 0 && groups > 0 && in % groups == 0) {
                            b.optWeight(param(l, name, "weight", weights, params, out, in / groups, k[0], k[1]));
                            if (l.hasNonNull("bias")) {
                                b.optBiasParameter(param(l, name, "bias", weights, params, out));
                            }
                        }
                        yield b.build();
                    }
                    case "maxpool2d", "avgpool2d" -> {
                        int[] k = intArray(l, name, "kernel", 2);
                        int[] s = optPair(l, name, "stride", 0);
                        int[] p = optPair(l, name, "padding", 0);
                        yield type.equals("maxpool2d")
                                ? MaxPool2d.builder().setName(name).setKernel(k[0], k[1]).optStride(s[0], s[1])
                                        .optPadding(p[0], p[1]).build()
                                : AvgPool2d.builder().setName(name).setKernel(k[0], k[1]).optStride(s[0], s[1])
                                        .optPadding(p[0], p[1])
                                        .optCountIncludePad(l.path("count_include_pad").asBoolean(true)).build();
                    }
                    case "dense" -> {
                        int in = integer(l, name, "in_features", Integer.MIN_VALUE);
                        int out = integer(l, name, "out_features", Integer.MIN_VALUE);
                        Dense.Builder b = Dense.builder().setName(name).setInFeatures(in).setOutFeatures(out)
                                .optBias(l.hasNonNull("bias"));
                        if (in > 0 && out > 0) {
                            b.optWeight(param(l, name, "weight", weights, params, out, in));
                            if (l.hasNonNull("bias")) {
                                b.optBiasParameter(param(l, name, "bias", weights, params, out));
                            }
                        }
                        yield b.build();
                    }
                    case "relu" -> new ReLU(name);
                    case "flatten" -> new Flatten(name);
                    case "softmax" -> new Softmax(name);
                    case "add" -> new Add(name);
                    default -> throw error("layer '" + name + "': field 'type' has unknown value '" + type
                            + "' (expected conv2d, maxpool2d, avgpool2d, dense, relu, flatten, softmax, add)");
                };
            } catch (ModelException e) {
                if (e.getMessage().startsWith(file.toString())) {
                    throw e;
                }
                throw error(e.getMessage());
            }
        }
    }
}
