package io.systole.onnx;

import io.systole.onnx.OnnxProto.AttributeProto;
import io.systole.onnx.OnnxProto.AttributeProto.AttributeType;
import io.systole.onnx.OnnxProto.NodeProto;
import io.systole.onnx.OnnxProto.TensorProto;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's attributes, read by name with defaults. A node carrying an attribute its operator's
 * importer does not expect is unsupported: ignoring it could change what the node computes.
 */
final class Attributes {
    private final Map<String, AttributeProto> byName = new HashMap<>();

    /** The node's attributes; {@code known} are the names the caller reads. */
    Attributes(NodeProto node, String... known) throws Unsupported {
        List<String> expected = Arrays.asList(known);
        List<String> unknown = new ArrayList<>();
        for (AttributeProto a : node.getAttributeList()) {
            if (!expected.contains(a.getName())) {
                unknown.add("'" + a.getName() + "'");
            }
            byName.put(a.getName(), a);
        }
        if (!unknown.isEmpty()) {
            throw new Unsupported((unknown.size() == 1 ? "attribute " : "attributes ") + String.join(", ", unknown)
                    + " not supported"
                    + (known.length == 0 ? "" : " (this importer reads " + String.join(", ", known) + ")"));
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    long integer(String name, long dflt) throws Unsupported {
        AttributeProto a = get(name, AttributeType.INT);
        return a == null ? dflt : a.getI();
    }

    float real(String name, float dflt) throws Unsupported {
        AttributeProto a = get(name, AttributeType.FLOAT);
        return a == null ? dflt : a.getF();
    }

    String text(String name, String dflt) throws Unsupported {
        AttributeProto a = get(name, AttributeType.STRING);
        return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** The list, or null when the attribute is absent. */
    long[] integers(String name) throws Unsupported {
        AttributeProto a = get(name, AttributeType.INTS);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The list, or null when the attribute is absent. */
    float[] reals(String name) throws Unsupported {
        AttributeProto a = get(name, AttributeType.FLOATS);
        if (a == null) {
            return null;
        }
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
        }
        return f;
    }

    /** The tensor, or null when the attribute is absent. */
    TensorProto tensor(String name) throws Unsupported {
        AttributeProto a = get(name, AttributeType.TENSOR);
        return a == null ? null : a.getT();
    }

    private AttributeProto get(String name, AttributeType want) throws Unsupported {
        AttributeProto a = byName.get(name);
        if (a != null && a.getType() != want && a.getType() != AttributeType.UNDEFINED) {
            throw new Unsupported("attribute '" + name + "' is " + a.getType() + ", expected " + want);
        }
        return a;
    }
}
