package io.systole.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.tensor.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A profiled run: figures per layer, the array they were simulated on, and the plan.
 *
 * @param network     network name
 * @param array       array configuration the simulated columns are for
 * @param arrayPeakFlops   the array's peak: 2 * R * C operations per cycle at its clock
 * @param arrayDramBytesPerSecond the array's DRAM bandwidth at its clock
 * @param arrayClockHz the array's clock, turning simulated cycles into seconds
 * @param batch       batch size
 * @param repetitions timed repetitions after warm-up
 * @param layers      per node, in network order
 * @param plan        the plan as a text table
 * @param planDot     the plan as Graphviz DOT
 */
public record Profile(String network, String array, double arrayPeakFlops, double arrayDramBytesPerSecond,
        double arrayClockHz, int batch, int repetitions, List<LayerProfile> layers,
        String plan, String planDot) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Profile {
        layers = List.copyOf(layers);
    }

    public double totalSeconds() {
        return layers.stream().mapToDouble(LayerProfile::seconds).sum();
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("network", network);
        root.put("array", array);
        root.put("array_peak_flops", arrayPeakFlops);
        root.put("array_dram_bytes_per_second", arrayDramBytesPerSecond);
        root.put("array_clock_hz", arrayClockHz);
        root.put("batch", batch);
        root.put("repetitions", repetitions);
        root.put("total_seconds", totalSeconds());
        ArrayNode a = root.putArray("layers");
        for (LayerProfile l : layers) {
            ObjectNode o = a.addObject();
            o.put("name", l.node());
            o.put("type", l.type());
            o.put("device", l.device());
            o.put("kernel_seconds", l.kernelSeconds());
            o.put("transfer_seconds", l.transferSeconds());
            o.put("host_seconds", l.hostSeconds());
            o.put("flops", l.flops());
            o.put("gflops", l.gflops());
            o.put("peak_fraction", l.peakFraction());
            o.put("sim_cycles", l.simCycles());
            o.put("sim_utilization", l.simUtilization());
            o.put("sram_reads", l.sramReads());
            o.put("sram_writes", l.sramWrites());
            o.put("dram_read_bytes", l.dramReadBytes());
            o.put("dram_write_bytes", l.dramWriteBytes());
            o.put("intensity", l.intensity());
        }
        root.put("plan", plan);
        root.put("plan_dot", planDot);
        return root;
    }

    private static final List<String> COLUMNS = List.of("layer", "type", "device", "kernel_us", "transfer_us", "host_us",
            "gflops", "peak_pct", "sim_cycles", "sim_util", "sram_reads", "sram_writes", "dram_read_bytes",
            "dram_write_bytes");

    private static List<String> cells(LayerProfile l) {
        return List.of(l.node(), l.type(), l.device(), f1(l.kernelSeconds() * 1e6), f1(l.transferSeconds() * 1e6),
                f1(l.hostSeconds() * 1e6), f2(l.gflops()), f1(100 * l.peakFraction()), Long.toString(l.simCycles()),
                f2(l.simUtilization()), Long.toString(l.sramReads()), Long.toString(l.sramWrites()),
                Long.toString(l.dramReadBytes()), Long.toString(l.dramWriteBytes()));
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    public String csv() {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (LayerProfile l : layers) {
            sb.append(String.join(",", cells(l))).append('\n');
        }
        return sb.toString();
    }

    /** The terminal table: the same columns as the CSV, aligned. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-10s %-10s %-9s %10s %11s %9s %8s %8s %12s %8s %13s %13s%n";
        sb.append(String.format(Locale.ROOT, fmt, "layer", "type", "device", "kernel us", "transfer us", "host us",
                "GOP/s", "% peak", "sim cycles", "sim util", "DRAM read B", "DRAM write B"));
        for (LayerProfile l : layers) {
            List<String> c = cells(l);
            sb.append(String.format(Locale.ROOT, fmt, c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5),
                    c.get(6), c.get(7), c.get(8), c.get(9), c.get(12), c.get(13)));
        }
        sb.append(String.format(Locale.ROOT, "total %.1f us per batch of %d (%d repetitions), array %s%n",
                totalSeconds() * 1e6, batch, repetitions, array));
        return sb.toString();
    }

    /** A self-contained page: the data inline as JSON, drawn by an inline script as SVG. */
    public String html() throws IOException {
        String template;
        try (InputStream in = Profile.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IOException("the report template io/systole/profile/report.html is missing from the class path");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String data = JSON.writeValueAsString(toJson()).replace("</", "<\\/");
        return template.replace("/*DATA*/null", data).replace("{{TITLE}}", escape(network + " on " + array));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Writes report.json, report.csv and report.html into a folder, each atomically. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("report.json"), JSON.writeValueAsString(toJson()) + "\n");
        AtomicFiles.writeString(dir.resolve("report.csv"), csv());
        AtomicFiles.writeString(dir.resolve("report.html"), html());
    }
}
