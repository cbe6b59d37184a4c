package io.systole.quant;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.arith.QuantParams;
import io.systole.arith.QuantizedMultiplier;
import io.systole.model.ModelException;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.sim.Operands;
import io.systole.tensor.AtomicFiles;
import io.systole.tensor.DType;
import io.systole.tensor.Npz;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quantized model files: a JSON description and a numpy {@code .npz} archive beside it (named in
 * the JSON's {@code arrays} field).
 *
 * <p>The JSON object: {@code format} = {@value #FORMAT} (what tells it from a float model file);
 * {@code name}; {@code number_format} (the network's format, e.g. {@code int8},
 * {@code int8<24,SATURATE,FLOAT_SCALE>}, {@code fixed<16,6,RND,SAT>}); {@code arrays}; {@code model}
 * (the float network's description exactly as a model file holds it, without its
 * {@code weights} field); {@code calibration} ({@code method}, {@code percentile}, {@code samples},
 * {@code ranges}: tensor name to {@code [min, max]}; or null); {@code tensors} (tensor name to
 * its encoding: {@code {"encoding": "int8", "scale": s, "zero_point": z}},
 * {@code {"encoding": "fixed<W,I,Q,O>"}} or {@code {"encoding": "f32"}}), and {@code nodes}, one
 * object per convolution or dense node: {@code node}, {@code layer}, {@code format} (the array's
 * data format for it) and {@code relu} (the folded ReLU node, or null). Float32 numbers are
 * written as their shortest decimal and read back to the same float.
 *
 * <p>The archive: {@code float/PARAM} (float32 parameters of the float network, by parameter
 * name); {@code layer/LAYER/weight} (int8 (outC, ...) or raw fixed-point int32, same shape as the
 * float weight) and, for int8, {@code layer/LAYER/weight_scale} (float32 (outC)); per node
 * {@code node/NODE/bias} (int8: int32 (outC); fixed point: int32 (outC, 2), the high and low
 * 32-bit words of each raw accumulator value), and for int8 either {@code node/NODE/multiplier}
 * and {@code node/NODE/shift} (int32 (outC), MULTIPLIER_SHIFT) or {@code node/NODE/requant_scale}
 * (float32 (outC), FLOAT_SCALE). The input and output zero points of an int8 node are those of
 * its tensors; its ReLU flag is whether {@code relu} names a node.
 */
public final class QuantizedModelFile {
    /** The format tag written into every file. */
    public static final String FORMAT = "systole-quantized/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private QuantizedModelFile() {
    }

    /** Whether {@code file} is a JSON file carrying this format's tag. */
    public static boolean isQuantized(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            return FORMAT.equals(JSON.readTree(file.toFile()).path("format").asText());
        } catch (IOException e) {
            return false;
        }
    }

    /** A path to a quantized model file; an error names a float model or a missing file as such. */
    public static QuantizedNetwork resolve(String spec) throws IOException {
        Path p = Path.of(spec);
        if (!Files.isRegularFile(p)) {
            throw new ModelException("'" + spec + "' is not a file: expected a quantized model (systole quantize)");
        }
        return load(p);
    }

    /** Writes {@code file} (JSON) and its archive beside it ({@code STEM.npz}), each atomically. */
    public static void save(QuantizedNetwork q, Path file) throws IOException {
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        Path npz = file.resolveSibling(stem + ".npz");
        Network net = q.network();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", net.name());
        root.put("number_format", q.format().name());
        root.put("arrays", npz.getFileName().toString());
        root.set("model", ModelFile.toJson(net));
        root.set("calibration", calibration(q.calibration()));
        ObjectNode tensors = root.putObject("tensors");
        q.activations().forEach((name, a) -> tensors.set(name, encoding(a)));
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        ModelFile.parameters(net).forEach((k, v) -> arrays.put("float/" + k, v));
        ArrayNode nodes = root.putArray("nodes");
        for (QuantizedNetwork.ArrayOp op : q.ops()) {
            Network.Node node = net.node(op.node());
            String layer = node.layer().name();
            ObjectNode o = nodes.addObject();
            o.put("node", op.node());
            o.put("layer", layer);
            o.put("format", op.format().name());
            o.put("relu", op.foldedRelu());
            int[] wShape = QuantizedNetwork.weight(node.layer()).shape();
            String wKey = "layer/" + layer + "/weight";
            Tensor w = switch (op.operands()) {
                case Operands.Int8Layer l -> Tensor.of(l.weight().clone(), wShape);
                case Operands.FixedLayer l -> Tensor.of(l.weight().clone(), wShape);
                case Operands.F32Layer l -> throw new IllegalStateException("float operands in a quantized network");
            };
            Tensor known = arrays.putIfAbsent(wKey, w);
            if (known != null && !known.equals(w)) {
                throw new IllegalArgumentException("layer '" + layer + "': its nodes hold different quantized weights;"
                        + " a file keeps one set per layer");
            }
            String key = "node/" + op.node() + "/";
            switch (op.operands()) {
                case Operands.Int8Layer l -> {
                    if (l.bias() != null) {
                        arrays.put(key + "bias", Tensor.of(l.bias().clone(), l.bias().length));
                    }
                    if (l.multipliers() != null) {
                        int[] m = new int[l.multipliers().length];
                        int[] s = new int[m.length];
                        for (int i = 0; i < m.length; i++) {
                            m[i] = l.multipliers()[i].multiplier();
                            s[i] = l.multipliers()[i].shift();
                        }
                        arrays.put(key + "multiplier", Tensor.of(m, m.length));
                        arrays.put(key + "shift", Tensor.of(s, s.length));
                    } else {
                        arrays.put(key + "requant_scale", Tensor.of(l.scales().clone(), l.scales().length));
                    }
                    arrays.put("layer/" + layer + "/weight_scale", Tensor.of(q.weightScales().get(layer).clone(),
                            wShape[0]));
                }
                case Operands.FixedLayer l -> {
                    if (l.bias() != null) {
                        int[] words = new int[2 * l.bias().length];
                        for (int i = 0; i < l.bias().length; i++) {
                            words[2 * i] = (int) (l.bias()[i] >> 32);
                            words[2 * i + 1] = (int) l.bias()[i];
                        }
                        arrays.put(key + "bias", Tensor.of(words, l.bias().length, 2));
                    }
                }
                case Operands.F32Layer l -> throw new IllegalStateException("float operands in a quantized network");
            }
        }
        String text = JSON.writeValueAsString(root) + "\n";
        Npz.write(npz, arrays);
        AtomicFiles.writeString(file, text);
    }

    private static ObjectNode encoding(Activation a) {
        ObjectNode o = JSON.createObjectNode();
        switch (a) {
            case Activation.Int8 i -> {
                o.put("encoding", "int8");
                o.put("scale", i.params().scale());
                o.put("zero_point", i.params().zeroPoint());
            }
            case Activation.Fixed f -> o.put("encoding", f.format().name());
            case Activation.F32 f -> o.put("encoding", "f32");
        }
        return o;
    }

    private static JsonNode calibration(Calibration c) {
        if (c == null) {
            return JSON.nullNode();
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("method", c.method().name().toLowerCase(java.util.Locale.ROOT));
        o.put("percentile", c.percentile());
        o.put("samples", c.samples());
        ObjectNode ranges = o.putObject("ranges");
        c.ranges().forEach((k, r) -> ranges.putArray(k).add(r.min()).add(r.max()));
        return o;
    }

    /** Reads a quantized model file and its archive; every error names the file, and the node and field. */
    public static QuantizedNetwork load(Path file) throws IOException {
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
        if (!FORMAT.equals(root.path("format").asText())) {
            throw r.error("field 'format' must be \"" + FORMAT + "\", got " + root.path("format")
                    + (ModelFile.FORMAT.equals(root.path("format").asText())
                    ? " (a float model: quantize it with `systole quantize`)" : ""));
        }
        Path npz = file.resolveSibling(r.text(root, "arrays", ""));
        if (!Files.isRegularFile(npz)) {
            throw r.error("arrays file '" + npz + "' (field 'arrays') does not exist");
        }
        Map<String, Tensor> arrays = Npz.read(npz);
        Map<String, Tensor> floats = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            if (k.startsWith("float/")) {
                floats.put(k.substring("float/".length()), v);
            }
        });
        Network net = ModelFile.fromJson(root.get("model"), floats, file);
        NumberFormat format;
        try {
            format = NumberFormat.parse(r.text(root, "number_format", ""));
        } catch (IllegalArgumentException e) {
            throw r.error("field 'number_format': " + e.getMessage());
        }
        Map<String, Activation> acts = new LinkedHashMap<>();
        JsonNode tensors = root.get("tensors");
        if (tensors == null || !tensors.isObject()) {
            throw r.error("field 'tensors' must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            acts.put(e.getKey(), r.activation(e.getKey(), e.getValue()));
        }
        Map<String, QuantizedNetwork.ArrayOp> ops = new LinkedHashMap<>();
        Map<String, float[]> scales = new LinkedHashMap<>();
        Archive r2 = new Archive(npz, arrays);
        JsonNode nodes = root.get("nodes");
        if (nodes == null || !nodes.isArray()) {
            throw r.error("field 'nodes' must be a list");
        }
        for (JsonNode o : nodes) {
            String name = r.text(o, "node", "nodes");
            String where = "node '" + name + "'";
            Network.Node node;
            try {
                node = net.node(name);
            } catch (ModelException e) {
                throw r.error(where + ": " + e.getMessage());
            }
            if (!QuantizedNetwork.onArray(node.layer())) {
                throw r.error(where + ": a " + node.layer().type() + " node takes no array operands");
            }
            String layer = node.layer().name();
            if (!layer.equals(r.text(o, "layer", where))) {
                throw r.error(where + ": field 'layer' must be '" + layer + "', got " + o.get("layer"));
            }
            NumberFormat f;
            try {
                f = NumberFormat.parse(r.text(o, "format", where));
            } catch (IllegalArgumentException e) {
                throw r.error(where + ": field 'format': " + e.getMessage());
            }
            JsonNode reluField = o.get("relu");
            String relu = reluField == null || reluField.isNull() ? null : r.text(o, "relu", where);
            int[] wShape = QuantizedNetwork.weight(node.layer()).shape();
            int outC = wShape[0];
            boolean hasBias = QuantizedNetwork.bias(node.layer()) != null;
            String key = "node/" + name + "/";
            Operands operands = switch (f) {
                case Int8Format i -> {
                    Activation in = acts.get(node.inputs().getFirst());
                    Activation out = acts.get(name);
                    if (!(in instanceof Activation.Int8 ai) || !(out instanceof Activation.Int8 ao)) {
                        throw r.error(where + ": an int8 node needs int8 input and output tensors");
                    }
                    scales.put(layer, r2.get("layer/" + layer + "/weight_scale", DType.F32, outC).floats());
                    byte[] w = r2.get("layer/" + layer + "/weight", DType.I8, wShape).bytes();
                    int[] b = hasBias ? r2.get(key + "bias", DType.I32, outC).ints() : null;
                    QuantizedMultiplier[] m = null;
                    float[] s = null;
                    if (i.requantMode() == Int8Format.RequantMode.MULTIPLIER_SHIFT) {
                        int[] mult = r2.get(key + "multiplier", DType.I32, outC).ints();
                        int[] shift = r2.get(key + "shift", DType.I32, outC).ints();
                        m = new QuantizedMultiplier[outC];
                        for (int c = 0; c < outC; c++) {
                            try {
                                m[c] = new QuantizedMultiplier(mult[c], shift[c]);
                            } catch (IllegalArgumentException e) {
                                throw r.error(where + ", channel " + c + ": " + e.getMessage());
                            }
                        }
                    } else {
                        s = r2.get(key + "requant_scale", DType.F32, outC).floats();
                    }
                    yield new Operands.Int8Layer(w, b, ai.params().zeroPoint(), ao.params().zeroPoint(), m, s,
                            relu != null);
                }
                case FixedFormat x -> {
                    int[] w = r2.get("layer/" + layer + "/weight", DType.I32, wShape).ints();
                    long[] b = null;
                    if (hasBias) {
                        int[] words = r2.get(key + "bias", DType.I32, outC, 2).ints();
                        b = new long[outC];
                        for (int c = 0; c < outC; c++) {
                            b[c] = (long) words[2 * c] << 32 | (words[2 * c + 1] & 0xffffffffL);
                        }
                    }
                    yield new Operands.FixedLayer(w, b, relu != null);
                }
                default -> throw r.error(where + ": field 'format' must be int8 or fixed point, got " + f);
            };
            if (ops.put(name, new QuantizedNetwork.ArrayOp(name, f, operands, relu)) != null) {
                throw r.error(where + " is listed twice in 'nodes'");
            }
        }
        try {
            return new QuantizedNetwork(net, format, acts, ops, scales, r.calibration(root.get("calibration")));
        } catch (IllegalArgumentException e) {
            throw r.error(e.getMessage());
        }
    }

    /** JSON field readers that name the file, and the node and field, in every error. */
    private record Reader(Path file) {
        ModelException error(String what) {
            return new ModelException(file + ": " + what);
        }

        String text(JsonNode o, String field, String where) {
            JsonNode v = o == null ? null : o.get(field);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw error((where.isEmpty() ? "" : where + ": ") + "field '" + field + "' must be a non-empty string, got "
                        + v);
            }
            return v.asText();
        }

        /** A number as the exact decimal written (a float32's or a double's shortest form). */
        String number(JsonNode o, String field, String where) {
            JsonNode v = o.get(field);
            if (v == null || !v.isNumber()) {
                throw error(where + ": field '" + field + "' must be a number, got " + v);
            }
            return v.decimalValue().toString();
        }

        Activation activation(String tensor, JsonNode o) {
            String where = "tensor '" + tensor + "'";
            String enc = text(o, "encoding", where);
            try {
                if (enc.equals("f32")) {
                    return new Activation.F32();
                }
                if (enc.equals("int8")) {
                    JsonNode zp = o.get("zero_point");
                    if (zp == null || !zp.canConvertToInt() || !zp.isIntegralNumber()) {
                        throw error(where + ": field 'zero_point' must be an integer, got " + zp);
                    }
                    return new Activation.Int8(new QuantParams(Float.parseFloat(number(o, "scale", where)), zp.intValue()));
                }
                if (enc.startsWith("fixed")) {
                    return new Activation.Fixed((FixedFormat) NumberFormat.parse(enc));
                }
            } catch (IllegalArgumentException e) {
                throw error(where + ": " + e.getMessage());
            }
            throw error(where + ": field 'encoding' must be int8, fixed<...> or f32, got \"" + enc + "\"");
        }

        Calibration calibration(JsonNode o) {
            if (o == null || o.isNull()) {
                return null;
            }
            String where = "calibration";
            Calibration.Method m;
            try {
                m = Calibration.Method.parse(text(o, "method", where));
            } catch (IllegalArgumentException e) {
                throw error(where + ": field 'method': " + e.getMessage());
            }
            JsonNode samples = o.get("samples");
            if (samples == null || !samples.canConvertToInt() || !samples.isIntegralNumber()) {
                throw error(where + ": field 'samples' must be an integer, got " + samples);
            }
            JsonNode ranges = o.get("ranges");
            if (ranges == null || !ranges.isObject()) {
                throw error(where + ": field 'ranges' must be an object");
            }
            Map<String, Calibration.Range> rs = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = ranges.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
                    throw error(where + ": range of '" + e.getKey() + "' must be [min, max], got " + v);
                }
                try {
                    rs.put(e.getKey(), new Calibration.Range(Float.parseFloat(v.get(0).decimalValue().toString()),
                            Float.parseFloat(v.get(1).decimalValue().toString())));
                } catch (IllegalArgumentException x) {
                    throw error(where + ": range of '" + e.getKey() + "': " + x.getMessage());
                }
            }
            return new Calibration(m, Double.parseDouble(number(o, "percentile", where)), samples.intValue(), rs);
        }
    }

    /** Archive readers that name the archive and the array in every error. */
    private record Archive(Path file, Map<String, Tensor> arrays) {
        Tensor get(String key, DType type, int... shape) {
            Tensor t = arrays.get(key);
            if (t == null) {
                throw new ModelException(file + ": array '" + key + "' is missing");
            }
            if (t.dtype() != type || !java.util.Arrays.equals(t.shape(), shape)) {
                throw new ModelException(file + ": array '" + key + "' is " + t.dtype() + " "
                        + java.util.Arrays.toString(t.shape()) + ", expected " + type + " "
                        + java.util.Arrays.toString(shape));
            }
            return t;
        }
    }
}
