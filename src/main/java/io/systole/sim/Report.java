package io.systole.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statistics of one network on one array: a row per node and their total, as JSON (the
 * {@code --json} output and the golden files) or as a text table.
 *
 * @param network the network or topology name
 * @param config  the array
 * @param batch   images per run
 * @param layers  one row per node, in order
 */
public record Report(String network, ArrayConfig config, int batch, List<LayerStats> layers) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Report {
        layers = List.copyOf(layers);
    }

    public LayerStats total() {
        return LayerStats.total(layers, config);
    }

    /** The row of a node. */
    public LayerStats layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer '" + name + "' in the report of " + network));
    }

    /** Microseconds at the array's clock for a number of cycles. */
    public double micros(long cycles) {
        return cycles / config.clockMhz();
    }

    /**
     * The JSON object: {@code network}, {@code batch}, {@code array} (the configuration),
     * {@code layers} (one object per node) and {@code total}, each with {@code name},
     * {@code type}, {@code unit}, {@code macs}, {@code cycles} (= {@code compute_cycles} +
     * {@code stall_cycles}), {@code utilization} and {@code mapping_efficiency} (0..1),
     * {@code folds}, {@code sram_reads}, {@code sram_writes} (elements, all scratchpads) and per
     * scratchpad, {@code dram_read_bytes}, {@code dram_write_bytes}, {@code overflows},
     * {@code saturations}; the total also has {@code time_us}.
     */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("network", network);
        root.put("batch", batch);
        root.set("array", config.toJson());
        ArrayNode rows = root.putArray("layers");
        for (LayerStats l : layers) {
            rows.add(row(l));
        }
        ObjectNode total = row(total());
        total.put("time_us", micros(total().cycles()));
        root.set("total", total);
        return root;
    }

    /** {@link #toJson()} as indented text with a final newline. */
    public String toJsonText() {
        try {
            return JSON.writeValueAsString(toJson()) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode row(LayerStats l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", l.name());
        o.put("type", l.type());
        o.put("unit", l.unit().key());
        o.put("macs", l.macs());
        o.put("cycles", l.cycles());
        o.put("compute_cycles", l.computeCycles());
        o.put("stall_cycles", l.stallCycles());
        o.put("utilization", l.utilization());
        o.put("mapping_efficiency", l.mappingEfficiency());
        o.put("folds", l.folds());
        o.put("sram_reads", l.sramReads());
        o.put("sram_writes", l.sramWrites());
        ObjectNode sram = o.putObject("sram");
        sram.put("input_reads", l.inputReads());
        sram.put("input_writes", l.inputWrites());
        sram.put("weight_reads", l.weightReads());
        sram.put("weight_writes", l.weightWrites());
        sram.put("output_reads", l.outputReads());
        sram.put("output_writes", l.outputWrites());
        o.put("dram_read_bytes", l.dramReadBytes());
        o.put("dram_write_bytes", l.dramWriteBytes());
        o.put("overflows", l.overflows());
        o.put("saturations", l.saturations());
        return o;
    }

    /** Column titles of {@link #textRows()}. */
    public static final List<String> TEXT_HEADER = List.of("layer", "type", "unit", "MACs", "cycles", "stall", "util",
            "map eff", "folds", "SRAM reads", "SRAM writes", "DRAM read B", "DRAM write B");

    /** One row of formatted cells per node, then the total, for a text table. */
    public List<List<String>> textRows() {
        List<List<String>> rows = new ArrayList<>();
        for (LayerStats l : layers) {
            rows.add(cells(l));
        }
        rows.add(cells(total()));
        return rows;
    }

    /** One line: total cycles, stalls, time at the clock, utilization. */
    public String summaryLine() {
        LayerStats t = total();
        return String.format(Locale.ROOT, "%,d cycles (%,d stalled) = %.1f us at %.0f MHz, utilization %.1f%%",
                t.cycles(), t.stallCycles(), micros(t.cycles()), config.clockMhz(), 100 * t.utilization());
    }

    private static List<String> cells(LayerStats l) {
        return List.of(l.name(), l.type(), l.unit().key(), count(l.macs()), count(l.cycles()), count(l.stallCycles()),
                percent(l.utilization()), percent(l.mappingEfficiency()), count(l.folds()), count(l.sramReads()),
                count(l.sramWrites()), count(l.dramReadBytes()), count(l.dramWriteBytes()));
    }

    private static String count(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
