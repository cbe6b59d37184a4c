package io.systole.sim;

import io.systole.model.Window;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A network given only by its layer shapes, in the topology CSV format of existing
 * systolic-array simulators: a header line, then one convolution per line,
 * <pre>
 *   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
 *   Conv1, 227, 227, 11, 11, 3, 96, 4,
 * </pre>
 * Fields may carry spaces and a trailing comma. The input map already includes any padding
 * (padding 0 here); a dense layer is a 1x1 map with a 1x1 filter. Batch 1. No values: such a
 * network is simulated for time and traffic only.
 *
 * @param name   the file's name without {@code .csv}
 * @param layers the convolutions, in order
 */
public record Topology(String name, List<ImplicitGemm> layers) {
    private static final String[] FIELDS = {"Layer name", "IFMAP Height", "IFMAP Width", "Filter Height",
        "Filter Width", "Channels", "Num Filter", "Strides"};

    public Topology {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("topology '" + name + "' has no layers");
        }
    }

    /** Reads a topology file; errors name the file, line and field. */
    public static Topology read(Path file) throws IOException {
        String stem = file.getFileName().toString().replaceFirst("\\.csv$", "");
        return parse(stem, Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses topology text; {@code where} names the source in errors. */
    public static Topology parse(String name, String text, String where) {
        String[] lines = text.split("\r?\n");
        List<ImplicitGemm> layers = new ArrayList<>();
        boolean header = false;
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln].strip();
            if (line.isEmpty()) {
                continue;
            }
            String at = where + ", line " + (ln + 1);
            List<String> cells = cells(line);
            if (!header) {
                if (!cells.getFirst().equalsIgnoreCase(FIELDS[0])) {
                    throw new IllegalArgumentException(at + ": expected the header line starting with '" + FIELDS[0]
                            + "' (" + String.join(", ", FIELDS) + ")");
                }
                header = true;
                continue;
            }
            if (cells.size() != FIELDS.length) {
                throw new IllegalArgumentException(at + ": expected " + FIELDS.length + " fields ("
                        + String.join(", ", FIELDS) + "), got " + cells.size());
            }
            int[] v = new int[FIELDS.length];
            for (int i = 1; i < FIELDS.length; i++) {
                try {
                    v[i] = Integer.parseInt(cells.get(i));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(at + ": field '" + FIELDS[i] + "' must be an integer, got '"
                            + cells.get(i) + "'", e);
                }
                if (v[i] <= 0) {
                    throw new IllegalArgumentException(at + ": field '" + FIELDS[i] + "' must be positive, got "
                            + v[i]);
                }
            }
            String layer = cells.getFirst();
            try {
                layers.add(new ImplicitGemm(layer, 1, v[5], v[1], v[2], v[6], 1,
                        new Window(v[3], v[4], v[7], v[7], 0, 0, 1, 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
        }
        if (!header) {
            throw new IllegalArgumentException(where + ": empty topology, expected a header line and layers");
        }
        return new Topology(name, layers);
    }

    /** Comma-separated cells, stripped, without the empty cell a trailing comma leaves. */
    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        for (String c : line.split(",", -1)) {
            out.add(c.strip());
        }
        if (out.size() > 1 && out.getLast().isEmpty()) {
            out.removeLast();
        }
        return out;
    }
}
