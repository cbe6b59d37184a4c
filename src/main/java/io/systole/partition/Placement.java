package io.systole.partition;

import io.systole.model.ModelException;
import io.systole.model.Network;
import java.util.LinkedHashMap;
import java.util.Map;

/** User pins: node (or layer) name to device id, as in {@code conv1=opencl:0,fc1=jvm}. */
public record Placement(Map<String, String> pins) {
    public Placement {
        pins = Map.copyOf(pins);
    }

    public static final Placement NONE = new Placement(Map.of());

    /** Parses {@code name=device[,name=device...]}; empty or null means no pins. */
    public static Placement parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return NONE;
        }
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("bad placement '" + part.strip()
                        + "': expected LAYER=DEVICE, e.g. conv1=opencl:0");
            }
            if (m.put(kv[0].strip(), kv[1].strip()) != null) {
                throw new IllegalArgumentException("layer '" + kv[0].strip() + "' is pinned twice");
            }
        }
        return new Placement(m);
    }

    /** The device pinned for a node (by node name, else by layer name), or null. */
    String pinFor(Network.Node node) {
        String d = pins.get(node.name());
        return d != null ? d : pins.get(node.layer().name());
    }

    /** Checks every pin names an existing node or layer. */
    void check(Network net) {
        for (String name : pins.keySet()) {
            boolean known = net.nodes().stream()
                    .anyMatch(n -> n.name().equals(name) || n.layer().name().equals(name));
            if (!known) {
                throw new ModelException("--place names '" + name + "', which is not a layer of '" + net.name() + "'");
            }
        }
    }
}
