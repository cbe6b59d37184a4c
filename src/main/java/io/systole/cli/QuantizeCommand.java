package io.systole.cli;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.quant.Activation;
import io.systole.quant.Calibration;
import io.systole.quant.ErrorReport;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.Quantizer;
import io.systole.quant.Samples;
import io.systole.train.Dataset;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code systole quantize MODEL --format int8|fixed<...> --out q.json}: calibrates a float
 * network on sample inputs, quantizes it, writes a quantized model file, and optionally prints
 * the error of every tensor against float.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantize a float network to int8 or fixed point from calibration samples, and write a"
            + " quantized model file that `systole simulate` runs with values.",
            "Example: systole quantize models/lenet5-fashion.json --format int8 --data fashion-mnist --samples 1000"
                + " --out lenet5-int8.json --report"})
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A zoo name or a model file.")
    String model;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "int8, int8<ACC_BITS,WRAP|SATURATE,MULTIPLIER_SHIFT|FLOAT_SCALE> or fixed<W,I,Q,O>.")
    String format;

    @Option(names = "--per-layer", paramLabel = "LAYER=FORMAT[,...]",
            description = "Fixed point only: convolution or dense layers in their own format, e.g."
                    + " conv1=fixed<16,6,RND,SAT>,fc1=fixed<12,4>; the layer's weights and output take it.")
    List<String> perLayer = new ArrayList<>();

    @Option(names = "--fit-int-bits", description = "Fixed point only: give every convolution and dense layer the"
            + " fewest integer bits that hold its calibrated input, output and weights (width and modes from --format);"
            + " --per-layer entries take precedence.")
    boolean fitIntBits;

    @Option(names = "--calibration", paramLabel = "x.npy",
            description = "Calibration batch, float32 (N, C, H, W) or (N, F).")
    Path calibration;

    @Option(names = "--data", paramLabel = "fashion-mnist|DIR",
            description = "Calibrate on the first --samples training images of a dataset in the (Fashion-)MNIST IDX"
                    + " layout: fashion-mnist (Debian package dataset-fashion-mnist) or a directory.")
    String data;

    @Option(names = "--samples", defaultValue = "1000", paramLabel = "N",
            description = "Calibration samples from --data (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--method", defaultValue = "minmax", paramLabel = "minmax|percentile",
            description = "How a tensor's range is taken (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--percentile", defaultValue = "99.99", paramLabel = "P",
            description = "With --method percentile: clip both tails beyond the P-th percentile, 50 < P <= 100"
                    + " (default ${DEFAULT-VALUE}).")
    double percentile;

    @Option(names = "--out", required = true, paramLabel = "q.json",
            description = "The quantized model file; its arrays go beside it (q.npz).")
    Path out;

    @Option(names = "--report", description = "Print every tensor's error against float and the top-1 agreement.")
    boolean report;

    @Option(names = "--report-json", paramLabel = "r.json", description = "Write the error report as JSON.")
    Path reportJson;

    @Option(names = "--eval", paramLabel = "x.npy",
            description = "Report on this batch (default: the test split of --data, else the calibration batch).")
    Path eval;

    @Option(names = "--eval-samples", defaultValue = "1000", paramLabel = "N",
            description = "Report on the first N test images of --data (default ${DEFAULT-VALUE}).")
    int evalSamples;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        if (calibration != null && data != null) {
            throw new IllegalArgumentException("give --calibration or --data, not both");
        }
        NumberFormat nf = NumberFormat.parse(format);
        Map<String, FixedFormat> layers = layerFormats(perLayer);
        if (!layers.isEmpty() && !(nf instanceof FixedFormat)) {
            throw new IllegalArgumentException("--per-layer takes fixed-point formats and needs a fixed-point"
                    + " --format, got " + nf);
        }
        Network net = ModelFile.resolve(model);
        Samples cal = calibration != null ? Samples.npy(calibration)
                : data != null ? dataset(data, Dataset.Split.TRAIN, samples) : null;
        if (cal == null && (nf instanceof Int8Format || fitIntBits)) {
            throw new IllegalArgumentException((fitIntBits ? "--fit-int-bits" : "int8")
                    + " needs calibration samples: --calibration x.npy or --data fashion-mnist");
        }
        if (fitIntBits && !(nf instanceof FixedFormat)) {
            throw new IllegalArgumentException("--fit-int-bits needs a fixed-point --format, got " + nf);
        }
        boolean wantReport = report || reportJson != null;
        Samples evalBatch = !wantReport ? null : eval != null ? Samples.npy(eval)
                : data != null ? dataset(data, Dataset.Split.TEST, evalSamples) : cal;
        if (wantReport && evalBatch == null) {
            throw new IllegalArgumentException("--report needs samples: --eval x.npy, --calibration x.npy or --data");
        }
        long t0 = System.nanoTime();
        Calibration c = cal == null ? null : Calibration.run(net, cal.images(), Calibration.Method.parse(method),
                percentile, terminal ? (done, total) -> err.printf("\rcalibrating %d/%d samples", done, total).flush()
                        : (done, total) -> { });
        if (terminal && c != null) {
            err.print("\r" + " ".repeat(40) + "\r");
            err.flush();
        }
        Quantizer.Result r = switch (nf) {
            case Int8Format f -> Quantizer.int8(net, f, c);
            case FixedFormat f -> Quantizer.fixed(net, f, fitted(net, f, c, layers), c);
            default -> throw new IllegalArgumentException("--format must be int8 or fixed point, got " + nf);
        };
        QuantizedNetwork q = r.network();
        long t1 = System.nanoTime();
        ArrayConfig array = ArrayConfig.DEFAULT.withFormat(q.format());
        ErrorReport errors = wantReport ? ErrorReport.measure(q, array, evalBatch.images(), evalBatch.labels()) : null;
        long t2 = System.nanoTime();
        QuantizedModelFile.save(q, out);
        if (reportJson != null) {
            AtomicFiles.writeString(reportJson, errors.toJsonText());
        }
        o.print(Format.table(List.of("tensor", "encoding", "calibrated range"), tensorRows(q)));
        for (String w : r.warnings()) {
            o.println("warning: " + w);
        }
        o.printf(Locale.ROOT, "quantized %s to %s%s in %.1f ms; wrote %s%n", net.name(), q.format(), c == null ? ""
                : String.format(Locale.ROOT, " from %,d samples (%s)", c.samples(), method.equals("percentile")
                ? "percentile " + percentile : "min/max"), (t1 - t0) / 1e6, out);
        if (errors != null) {
            o.printf(Locale.ROOT, "%nerror against float on %,d samples (integer reference of array %s, %.1f ms):%n",
                    errors.top1().samples(), array, (t2 - t1) / 1e6);
            if (report) {
                o.print(Format.table(ErrorReport.TEXT_HEADER, errors.textRows()));
            }
            o.println(errors.summaryLine());
            if (reportJson != null) {
                o.println("wrote " + reportJson);
            }
        }
        o.flush();
        return 0;
    }

    /** The --per-layer formats, over those fitted to the calibration with --fit-int-bits. */
    private Map<String, FixedFormat> fitted(Network net, FixedFormat f, Calibration c, Map<String, FixedFormat> given) {
        if (!fitIntBits) {
            return given;
        }
        Map<String, FixedFormat> m = new LinkedHashMap<>(Quantizer.fitIntegerBits(net, f, c));
        m.putAll(given);
        return m;
    }

    /** {@code LAYER=FORMAT} entries, several per argument separated by commas outside {@code <...>}. */
    static Map<String, FixedFormat> layerFormats(List<String> args) {
        Map<String, FixedFormat> m = new LinkedHashMap<>();
        for (String arg : args) {
            int depth = 0;
            int start = 0;
            for (int i = 0; i <= arg.length(); i++) {
                char ch = i < arg.length() ? arg.charAt(i) : ',';
                depth += ch == '<' ? 1 : ch == '>' ? -1 : 0;
                if (ch == ',' && depth == 0) {
                    String entry = arg.substring(start, i).strip();
                    int eq = entry.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--per-layer entry '" + entry
                                + "' must be LAYER=FORMAT, e.g. conv1=fixed<16,6,RND,SAT>");
                    }
                    String layer = entry.substring(0, eq).strip();
                    NumberFormat f = NumberFormat.parse(entry.substring(eq + 1));
                    if (!(f instanceof FixedFormat ff)) {
                        throw new IllegalArgumentException("--per-layer entry '" + entry + "': " + f
                                + " is not a fixed-point format");
                    }
                    if (m.put(layer, ff) != null) {
                        throw new IllegalArgumentException("--per-layer names layer '" + layer + "' twice");
                    }
                    start = i + 1;
                }
            }
        }
        return m;
    }

    private static List<List<String>> tensorRows(QuantizedNetwork q) {
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, Activation> e : q.activations().entrySet()) {
            Calibration.Range r = q.calibration() == null ? null : q.calibration().ranges().get(e.getKey());
            String name = e.getKey() + (q.isFolded(e.getKey()) ? " (folded)" : "");
            rows.add(List.of(name, e.getValue().describe(), r == null ? "" : "[" + r.min() + ", " + r.max() + "]"));
        }
        return rows;
    }

    /** The first n samples of a dataset's split, with their labels. */
    private static Samples dataset(String spec, Dataset.Split split, int n) throws IOException {
        if (n < 1) {
            throw new IllegalArgumentException("sample count must be positive, got " + n);
        }
        Dataset d = Dataset.open(spec, split);
        if (n > d.size()) {
            throw new IllegalArgumentException("data '" + spec + "' has " + d.size() + " samples in its "
                    + split.prefix() + " split, " + n + " requested");
        }
        Dataset first = d.limit(n);
        return new Samples(first.images(), first.labels());
    }
}
