package io.systole.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.arith.Overflow;
import io.systole.arith.Rounding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One systolic array: its shape, dataflow, number format and memories. Immutable and flat, so
 * that the same record can be written out as a hardware header. Named presets are data files
 * {@code sim/presets/NAME.json} (listed in {@code sim/presets/INDEX}) with the fields below in
 * snake case; a field left out takes its {@link #DEFAULT} value.
 *
 * @param name                  a label for reports (the preset name, or {@code custom})
 * @param rows                  R, PE rows: the reduction dimension in WS, output positions in OS
 * @param cols                  C, PE columns: output channels in both dataflows
 * @param dataflow              what stays in the PEs
 * @param format                number format of activations and weights
 * @param accumulatorBits       width of the partial sums and accumulators, in bits: 32 for f32,
 *                              the int8 format's accumulator width, 2..64 for fixed point
 * @param inputSramBytes        input (activation) scratchpad, bytes
 * @param weightSramBytes       weight scratchpad, bytes
 * @param outputSramBytes       output (accumulator) scratchpad, bytes
 * @param dramBytesPerCycle     DRAM bandwidth, bytes per array clock cycle (reads and writes share it)
 * @param clockMhz              array clock, MHz (turns cycles into time)
 * @param doubleBufferedWeights WS: each PE has a second weight register, so the next fold's
 *                              weights load while the current fold streams
 * @param poolingLanes          lanes of the pooling unit, each reading one element per cycle
 */
public record ArrayConfig(String name, int rows, int cols, Dataflow dataflow, NumberFormat format,
        int accumulatorBits, long inputSramBytes, long weightSramBytes, long outputSramBytes,
        double dramBytesPerCycle, double clockMhz, boolean doubleBufferedWeights, int poolingLanes) {

    /** Largest number of PE rows or columns accepted. */
    public static final int MAX_DIM = 4096;

    /** 16x16 weight-stationary float32, 128 KiB input and weight scratchpads, 64 KiB accumulators. */
    public static final ArrayConfig DEFAULT = new ArrayConfig("default", 16, 16, Dataflow.WS, F32.INSTANCE, 32,
            128 << 10, 128 << 10, 64 << 10, 16, 500, true, 16);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> KEYS = Set.of("name", "description", "rows", "cols", "dataflow", "format",
            "accumulator_bits", "input_sram_bytes", "weight_sram_bytes", "output_sram_bytes", "dram_bytes_per_cycle",
            "clock_mhz", "double_buffered_weights", "pooling_lanes");

    public ArrayConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("array configuration: name must not be blank");
        }
        String where = "array '" + name + "': ";
        dim(where, "rows", rows);
        dim(where, "cols", cols);
        Objects.requireNonNull(dataflow, where + "dataflow");
        Objects.requireNonNull(format, where + "format");
        accumulatorFormatOf(where, format, accumulatorBits);
        positive(where, "input_sram_bytes", inputSramBytes);
        positive(where, "weight_sram_bytes", weightSramBytes);
        positive(where, "output_sram_bytes", outputSramBytes);
        if (!(dramBytesPerCycle > 0) || Double.isInfinite(dramBytesPerCycle)) {
            throw new IllegalArgumentException(where + "dram_bytes_per_cycle must be a positive number, got "
                    + dramBytesPerCycle);
        }
        if (!(clockMhz > 0) || Double.isInfinite(clockMhz)) {
            throw new IllegalArgumentException(where + "clock_mhz must be a positive number, got " + clockMhz);
        }
        dim(where, "pooling_lanes", poolingLanes);
        int e = bytesOf(format);
        int a = (accumulatorBits + 7) / 8;
        long tiles = dataflow == Dataflow.WS && doubleBufferedWeights ? 2 : 1;
        long weightNeed = dataflow == Dataflow.WS ? tiles * rows * cols * e : (long) cols * e;
        need(where, "weight_sram_bytes", weightSramBytes, weightNeed, dataflow == Dataflow.WS
                ? tiles + " weight tile(s) of " + rows + "x" + cols + " " + e + "-byte weights"
                : "one row of " + cols + " " + e + "-byte weights");
        need(where, "input_sram_bytes", inputSramBytes, (long) rows * e,
                "one column of " + rows + " " + e + "-byte activations");
        long outNeed = dataflow == Dataflow.WS ? (long) cols * a : (long) rows * cols * e;
        need(where, "output_sram_bytes", outputSramBytes, outNeed, dataflow == Dataflow.WS
                ? "one row of " + cols + " " + a + "-byte accumulators"
                : "one drained " + rows + "x" + cols + " tile of " + e + "-byte outputs");
    }

    private static void dim(String where, String field, int v) {
        if (v < 1 || v > MAX_DIM) {
            throw new IllegalArgumentException(where + field + " must be in 1.." + MAX_DIM + ", got " + v);
        }
    }

    private static void positive(String where, String field, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(where + field + " must be positive, got " + v);
        }
    }

    private static void need(String where, String field, long have, long need, String what) {
        if (have < need) {
            throw new IllegalArgumentException(where + field + " = " + have + " cannot hold " + what + " ("
                    + need + " bytes)");
        }
    }

    /** The default accumulator width of a format: 32 for f32, the int8 format's, min(64, 2W + 16) for fixed. */
    public static int defaultAccumulatorBits(NumberFormat format) {
        return switch (format) {
            case F32 f -> 32;
            case Int8Format f -> f.accBits();
            case FixedFormat f -> Math.min(FixedFormat.MAX_WIDTH, 2 * f.width() + 16);
        };
    }

    private static FixedFormat accumulatorFormatOf(String where, NumberFormat format, int bits) {
        switch (format) {
            case F32 f -> {
                if (bits != 32) {
                    throw new IllegalArgumentException(where + "accumulator_bits must be 32 for f32, got " + bits);
                }
                return null;
            }
            case Int8Format f -> {
                if (bits != f.accBits()) {
                    throw new IllegalArgumentException(where + "accumulator_bits " + bits + " differs from the "
                            + f.accBits() + "-bit accumulator of format " + f + " (write int8<" + bits + "> instead)");
                }
                return null;
            }
            case FixedFormat f -> {
                int frac = 2 * f.fracBits();
                try {
                    return new FixedFormat(bits, bits - frac, Rounding.TRN, Overflow.WRAP);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + "accumulator_bits " + bits + " cannot hold products of "
                            + f + " with their " + frac + " fraction bits: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Fixed point only: the accumulator format, {@code fixed<A, A - 2F, TRN, WRAP>} with A the
     * accumulator width and F the data format's fraction bits, so every product enters it exactly.
     */
    public FixedFormat accumulatorFormat() {
        if (!(format instanceof FixedFormat)) {
            throw new IllegalStateException("array '" + name + "' is " + format + ", not fixed point");
        }
        return accumulatorFormatOf("", format, accumulatorBits);
    }

    /** Bytes of one activation or weight: 4 (f32), 1 (int8), ceil(W/8) (fixed). */
    public int elementBytes() {
        return bytesOf(format);
    }

    private static int bytesOf(NumberFormat f) {
        return switch (f) {
            case F32 x -> 4;
            case Int8Format x -> 1;
            case FixedFormat x -> (x.width() + 7) / 8;
        };
    }

    /** Bytes of one accumulator: ceil(accumulatorBits / 8). */
    public int accumulatorBytes() {
        return (accumulatorBits + 7) / 8;
    }

    /** Processing elements, R * C. */
    public int pes() {
        return rows * cols;
    }

    /** Text {@code RxC}, e.g. {@code 16x16}. */
    public String size() {
        return rows + "x" + cols;
    }

    public ArrayConfig withName(String n) {
        return new ArrayConfig(n, rows, cols, dataflow, format, accumulatorBits, inputSramBytes, weightSramBytes,
                outputSramBytes, dramBytesPerCycle, clockMhz, doubleBufferedWeights, poolingLanes);
    }

    /** Another size; the pooling unit keeps one lane per column. */
    public ArrayConfig withSize(int r, int c) {
        return new ArrayConfig(name, r, c, dataflow, format, accumulatorBits, inputSramBytes, weightSramBytes,
                outputSramBytes, dramBytesPerCycle, clockMhz, doubleBufferedWeights, c);
    }

    public ArrayConfig withDataflow(Dataflow d) {
        return new ArrayConfig(name, rows, cols, d, format, accumulatorBits, inputSramBytes, weightSramBytes,
                outputSramBytes, dramBytesPerCycle, clockMhz, doubleBufferedWeights, poolingLanes);
    }

    /** Another format with its default accumulator width. */
    public ArrayConfig withFormat(NumberFormat f) {
        return new ArrayConfig(name, rows, cols, dataflow, f, defaultAccumulatorBits(f), inputSramBytes,
                weightSramBytes, outputSramBytes, dramBytesPerCycle, clockMhz, doubleBufferedWeights, poolingLanes);
    }

    public ArrayConfig withDoubleBufferedWeights(boolean on) {
        return new ArrayConfig(name, rows, cols, dataflow, format, accumulatorBits, inputSramBytes, weightSramBytes,
                outputSramBytes, dramBytesPerCycle, clockMhz, on, poolingLanes);
    }

    /** Other scratchpad sizes, bytes. */
    public ArrayConfig withSram(long input, long weight, long output) {
        return new ArrayConfig(name, rows, cols, dataflow, format, accumulatorBits, input, weight, output,
                dramBytesPerCycle, clockMhz, doubleBufferedWeights, poolingLanes);
    }

    public ArrayConfig withDramBytesPerCycle(double bw) {
        return new ArrayConfig(name, rows, cols, dataflow, format, accumulatorBits, inputSramBytes, weightSramBytes,
                outputSramBytes, bw, clockMhz, doubleBufferedWeights, poolingLanes);
    }

    /** The names of the presets shipped under {@code sim/presets/}, in index order. */
    public static List<String> presetNames() {
        try (InputStream in = ArrayConfig.class.getResourceAsStream("/sim/presets/INDEX")) {
            if (in == null) {
                throw new IllegalStateException("the preset index sim/presets/INDEX is missing from the class path");
            }
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.strip());
                }
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sim/presets/INDEX: " + e.getMessage(), e);
        }
    }

    /** The named preset from {@code sim/presets/NAME.json}. */
    public static ArrayConfig preset(String presetName) {
        if (!presetNames().contains(presetName)) {
            throw new IllegalArgumentException("no array preset '" + presetName + "'; known: "
                    + String.join(", ", presetNames()));
        }
        String resource = "/sim/presets/" + presetName + ".json";
        try (InputStream in = ArrayConfig.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("preset file " + resource + " is missing from the class path");
            }
            return fromJson(JSON.readTree(in), "preset " + presetName);
        } catch (IOException e) {
            throw new IllegalArgumentException("preset " + presetName + ": " + e.getMessage(), e);
        }
    }

    /** Reads a configuration file in the preset format. */
    public static ArrayConfig load(Path file) throws IOException {
        return fromJson(JSON.readTree(Files.readAllBytes(file)), file.toString());
    }

    /** A preset name, or else a path to a configuration file. */
    public static ArrayConfig resolve(String spec) throws IOException {
        if (presetNames().contains(spec)) {
            return preset(spec);
        }
        Path p = Path.of(spec);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("'" + spec + "' is neither an array preset ("
                    + String.join(", ", presetNames()) + ") nor a configuration file");
        }
        return load(p);
    }

    /** Parses the JSON form; {@code where} names the source in errors. Missing fields take defaults. */
    public static ArrayConfig fromJson(JsonNode o, String where) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown field '" + k + "'; expected some of "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        ArrayConfig d = DEFAULT;
        try {
            NumberFormat format = o.has("format") ? NumberFormat.parse(text(o, "format", where)) : d.format;
            int rows = integer(o, "rows", d.rows, where);
            int cols = integer(o, "cols", d.cols, where);
            return new ArrayConfig(o.has("name") ? text(o, "name", where) : "custom", rows, cols,
                    o.has("dataflow") ? Dataflow.parse(text(o, "dataflow", where)) : d.dataflow, format,
                    integer(o, "accumulator_bits", defaultAccumulatorBits(format), where),
                    number(o, "input_sram_bytes", d.inputSramBytes, where).longValue(),
                    number(o, "weight_sram_bytes", d.weightSramBytes, where).longValue(),
                    number(o, "output_sram_bytes", d.outputSramBytes, where).longValue(),
                    number(o, "dram_bytes_per_cycle", d.dramBytesPerCycle, where).doubleValue(),
                    number(o, "clock_mhz", d.clockMhz, where).doubleValue(),
                    bool(o, "double_buffered_weights", d.doubleBufferedWeights, where),
                    integer(o, "pooling_lanes", cols, where));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String k, String where) {
        if (!o.get(k).isTextual()) {
            throw new IllegalArgumentException(where + ": field '" + k + "' must be a string, got " + o.get(k));
        }
        return o.get(k).asText();
    }

    private static Number number(JsonNode o, String k, Number dflt, String where) {
        if (!o.has(k)) {
            return dflt;
        }
        if (!o.get(k).isNumber()) {
            throw new IllegalArgumentException(where + ": field '" + k + "' must be a number, got " + o.get(k));
        }
        return o.get(k).numberValue();
    }

    private static int integer(JsonNode o, String k, int dflt, String where) {
        if (o.has(k) && !o.get(k).canConvertToInt()) {
            throw new IllegalArgumentException(where + ": field '" + k + "' must be an integer, got " + o.get(k));
        }
        return o.has(k) ? o.get(k).intValue() : dflt;
    }

    private static boolean bool(JsonNode o, String k, boolean dflt, String where) {
        if (o.has(k) && !o.get(k).isBoolean()) {
            throw new IllegalArgumentException(where + ": field '" + k + "' must be true or false, got " + o.get(k));
        }
        return o.has(k) ? o.get(k).booleanValue() : dflt;
    }

    /** The JSON form, every field written, in the order of the record. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        o.put("rows", rows);
        o.put("cols", cols);
        o.put("dataflow", dataflow.key());
        o.put("format", format.name());
        o.put("accumulator_bits", accumulatorBits);
        o.put("input_sram_bytes", inputSramBytes);
        o.put("weight_sram_bytes", weightSramBytes);
        o.put("output_sram_bytes", outputSramBytes);
        o.put("dram_bytes_per_cycle", dramBytesPerCycle);
        o.put("clock_mhz", clockMhz);
        o.put("double_buffered_weights", doubleBufferedWeights);
        o.put("pooling_lanes", poolingLanes);
        return o;
    }

    @Override
    public String toString() {
        return name + " (" + size() + " " + dataflow.key() + ", " + format.name() + ")";
    }
}
