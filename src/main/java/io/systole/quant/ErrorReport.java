package io.systole.quant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.model.Network;
import io.systole.ref.ReferenceEngine;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far a quantized network is from its float network on a batch: per tensor (the input and
 * every node) the largest absolute error and the signal-to-quantization-noise ratio of the
 * dequantized values against the float reference's, and the top-1 agreement of the outputs.
 *
 * <p>For a tensor of n values r (float) and q (quantized, dequantized): max abs error
 * {@code max |r - q|}; signal power {@code sum(r^2) / n}; noise power {@code sum((r - q)^2) / n};
 * SQNR {@code 10 * log10(signal / noise)} dB (infinite when the noise is 0). A convolution or dense
 * node with a folded ReLU holds the ReLU's output, so it is compared with the float ReLU output
 * and the ReLU node gets no row of its own. Top-1: per sample, the index of the largest output
 * value (the first of equal ones) of both networks; with labels, the accuracy of each.
 */
public final class ErrorReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The error of one tensor.
     *
     * @param name        tensor (node) name
     * @param type        layer type; {@code conv2d+relu} and {@code dense+relu} when a ReLU is folded
     * @param encoding    the quantized tensor's encoding
     * @param elements    values compared (all samples)
     * @param maxAbsError largest |float - quantized|
     * @param signal      mean square of the float values
     * @param noise       mean square of the differences
     */
    public record Row(String name, String type, String encoding, long elements, double maxAbsError, double signal,
            double noise) {
        /** {@code 10 * log10(signal / noise)} in dB; positive infinity when the noise is 0. */
        public double sqnrDb() {
            return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
        }
    }

    /**
     * Top-1 figures over a batch.
     *
     * @param samples          samples compared
     * @param agree            samples whose float and quantized top-1 classes agree
     * @param floatCorrect     samples the float network classifies as labelled, or -1 without labels
     * @param quantizedCorrect samples the quantized network classifies as labelled, or -1 without labels
     */
    public record Top1(int samples, int agree, int floatCorrect, int quantizedCorrect) {
        public double agreement() {
            return (double) agree / samples;
        }
    }

    private final String network;
    private final String format;
    private final List<Row> rows;
    private final Top1 top1;

    private ErrorReport(String network, String format, List<Row> rows, Top1 top1) {
        this.network = network;
        this.format = format;
        this.rows = List.copyOf(rows);
        this.top1 = top1;
    }

    /**
     * Runs both networks on a float batch (n, ...input shape): the float reference engine, and
     * the {@link IntegerReference} of the quantized network on {@code cfg} (which the simulator's
     * engines equal bit for bit).
     *
     * @param labels (n) class labels, or {@code null}
     */
    public static ErrorReport measure(QuantizedNetwork q, ArrayConfig cfg, Tensor input, int[] labels) {
        return compare(q, ReferenceEngine.forwardAll(q.network(), input), IntegerReference.forwardAll(q, cfg, input),
                labels);
    }

    /**
     * Compares every tensor: {@code reference} holds the float network's values, {@code quantized}
     * the quantized network's in their encodings, both by tensor name.
     *
     * @param labels (n) class labels, or {@code null}
     */
    public static ErrorReport compare(QuantizedNetwork q, Map<String, Tensor> reference, Map<String, Tensor> quantized,
            int[] labels) {
        Network net = q.network();
        List<Row> rows = new ArrayList<>();
        rows.add(row(Network.INPUT, "input", q, reference.get(Network.INPUT), quantized.get(Network.INPUT)));
        for (Network.Node node : net.nodes()) {
            if (q.isFolded(node.name())) {
                continue;
            }
            boolean array = QuantizedNetwork.onArray(node.layer());
            String relu = array ? q.op(node.name()).foldedRelu() : null;
            String type = node.layer().type() + (relu != null ? "+relu" : "");
            rows.add(row(node.name(), type, q, reference.get(relu != null ? relu : node.name()),
                    quantized.get(node.name())));
        }
        String last = net.nodes().getLast().name();
        float[] r = reference.get(last).floats();
        float[] y = q.activation(last).decode(quantized.get(last)).floats();
        int n = reference.get(last).dim(0);
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for a batch of " + n);
        }
        int per = r.length / n;
        int agree = 0;
        int floatOk = 0;
        int quantOk = 0;
        for (int s = 0; s < n; s++) {
            int a = argmax(r, s * per, per);
            int b = argmax(y, s * per, per);
            agree += a == b ? 1 : 0;
            if (labels != null) {
                floatOk += a == labels[s] ? 1 : 0;
                quantOk += b == labels[s] ? 1 : 0;
            }
        }
        Top1 top1 = new Top1(n, agree, labels == null ? -1 : floatOk, labels == null ? -1 : quantOk);
        return new ErrorReport(net.name(), q.format().name(), rows, top1);
    }

    private static Row row(String name, String type, QuantizedNetwork q, Tensor reference, Tensor quantized) {
        Activation a = q.activation(name);
        float[] r = reference.floats();
        float[] y = a.decode(quantized).floats();
        double max = 0;
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < r.length; i++) {
            double d = (double) r[i] - y[i];
            max = Math.max(max, Math.abs(d));
            signal += (double) r[i] * r[i];
            noise += d * d;
        }
        return new Row(name, type, a.describe(), r.length, max, signal / r.length, noise / r.length);
    }

    private static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }

    public String network() {
        return network;
    }

    /** One row per tensor: the input, then the nodes (folded ReLUs merged into their layer). */
    public List<Row> layers() {
        return rows;
    }

    /** The row of a tensor. */
    public Row layer(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tensor '" + name + "' in the error report"));
    }

    public Top1 top1() {
        return top1;
    }

    /** Column titles of {@link #textRows()}. */
    public static final List<String> TEXT_HEADER = List.of("tensor", "type", "encoding", "max abs err", "SQNR dB",
            "signal", "noise");

    /** One row of formatted cells per tensor. */
    public List<List<String>> textRows() {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(List.of(r.name(), r.type(), r.encoding(), String.format(Locale.ROOT, "%.4g", r.maxAbsError()),
                    r.noise() == 0 ? "exact" : String.format(Locale.ROOT, "%.2f", r.sqnrDb()),
                    String.format(Locale.ROOT, "%.4g", r.signal()), String.format(Locale.ROOT, "%.4g", r.noise())));
        }
        return out;
    }

    /** Top-1 agreement and, with labels, both accuracies, one line. */
    public String summaryLine() {
        String s = String.format(Locale.ROOT, "top-1 agreement with float: %d / %d (%.2f%%)", top1.agree(),
                top1.samples(), 100 * top1.agreement());
        if (top1.floatCorrect() >= 0) {
            s += String.format(Locale.ROOT, "; accuracy: float %.2f%%, %s %.2f%%",
                    100.0 * top1.floatCorrect() / top1.samples(), format, 100.0 * top1.quantizedCorrect() / top1.samples());
        }
        return s;
    }

    /**
     * The JSON object: {@code network}, {@code format}, {@code layers} (per tensor {@code name},
     * {@code type}, {@code encoding}, {@code elements}, {@code max_abs_error}, {@code sqnr_db} (null
     * when not finite: no noise, or no signal), {@code signal_power}, {@code noise_power}) and {@code top1} ({@code samples},
     * {@code agree}, {@code agreement}, and with labels {@code float_correct},
     * {@code quantized_correct}).
     */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("network", network);
        root.put("format", format);
        ArrayNode layers = root.putArray("layers");
        for (Row r : rows) {
            ObjectNode o = layers.addObject();
            o.put("name", r.name());
            o.put("type", r.type());
            o.put("encoding", r.encoding());
            o.put("elements", r.elements());
            o.put("max_abs_error", r.maxAbsError());
            if (!Double.isFinite(r.sqnrDb())) {
                o.putNull("sqnr_db");
            } else {
                o.put("sqnr_db", r.sqnrDb());
            }
            o.put("signal_power", r.signal());
            o.put("noise_power", r.noise());
        }
        ObjectNode t = root.putObject("top1");
        t.put("samples", top1.samples());
        t.put("agree", top1.agree());
        t.put("agreement", top1.agreement());
        if (top1.floatCorrect() >= 0) {
            t.put("float_correct", top1.floatCorrect());
            t.put("quantized_correct", top1.quantizedCorrect());
        }
        return root;
    }

    /** {@link #toJson()} as indented text with a final newline. */
    public String toJsonText() {
        try {
            return JSON.writeValueAsString(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
