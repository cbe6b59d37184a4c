package io.systole.cli;

import io.systole.hls.HlsLayers;
import io.systole.hls.HlsProject;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.quant.Calibration;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.Quantizer;
import io.systole.quant.Samples;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code systole export-hls MODEL --format int8|fixed<...> --out DIR}: an HLS C++ project of the
 * array and the chosen layers, whose C simulation ({@code make csim}) is checked against the
 * Java simulator's output, and a resource and latency estimate.
 */
@Command(name = "export-hls", mixinStandardHelpOptions = true,
        description = {"Export the systolic array and a network's int8 or fixed-point layers as an HLS C++ project:"
            + " params.h generated from the array, the arithmetic in plain C++17, the PE mesh, pooling unit and one"
            + " top function per layer, weights and requantization constants, a test bench with the Java"
            + " simulator's inputs and golden outputs, a Makefile (make csim) and a Vitis HLS Tcl script; prints a"
            + " resource and latency estimate (also in estimate.json).",
            "MODEL is a quantized model file (systole quantize), or a float model quantized here with --format.",
            "Example: systole export-hls lenet5-28 --array 16x16 --dataflow ws --format int8 --layers conv1,pool1"
                + " --out lenet5-hls"})
final class ExportHlsCommand implements Callable<Integer> {
    /** Seeded random calibration samples used when no --calibration batch is given. */
    static final int RANDOM_CALIBRATION_SAMPLES = 8;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A quantized model file, or a zoo name or float model file.")
    String model;

    @Mixin
    ArrayOptions array;

    @Option(names = "--layers", split = ",", paramLabel = "NODE[,NODE...]",
            description = "Convolution, dense and pooling layers to export (default: all of them).")
    List<String> layers = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The project folder; it must not exist or be empty. Written whole or not at all.")
    Path out;

    @Option(names = "--calibration", paramLabel = "x.npy",
            description = "Float models: calibration batch, float32 (N, C, H, W) or (N, F); default "
                    + RANDOM_CALIBRATION_SAMPLES + " seeded random samples in [0, 1).")
    Path calibration;

    @Option(names = "--input", paramLabel = "x.npy",
            description = "Float input batch the golden outputs are simulated on (default: the first calibration"
                    + " sample, or a seeded random sample for quantized models).")
    Path input;

    @Option(names = "--weight-header-limit", paramLabel = "BYTES", defaultValue = "" + HlsProject.DEFAULT_WEIGHT_HEADER_LIMIT,
            description = "Layers with more weight bytes get a weight file and an AXI port instead of weights"
                    + " compiled into their top function (default ${DEFAULT-VALUE}).")
    long weightHeaderLimit;

    @Option(names = "--json", description = "Print the estimate as JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        QuantizedNetwork given = QuantizedModelFile.isQuantized(Path.of(model))
                ? QuantizedModelFile.load(Path.of(model)) : null;
        if (given != null && calibration != null) {
            throw new IllegalArgumentException("--calibration quantizes a float model; '" + model
                    + "' is already quantized");
        }
        ArrayConfig cfg = array.config();
        if (given != null && array.format == null && !cfg.format().equals(given.format())) {
            cfg = cfg.withFormat(given.format()).withName("custom");
        }
        HlsProject.Builder builder = HlsProject.builder(cfg).optWeightHeaderLimit(weightHeaderLimit);
        long t0 = System.nanoTime();
        Network net = given != null ? given.network() : ModelFile.resolve(model);
        Tensor samples = given != null ? null : calibration != null ? Samples.npy(calibration).images()
                : Execution.randomInput(net, RANDOM_CALIBRATION_SAMPLES, 42);
        QuantizedNetwork q = given != null ? given
                : Quantizer.quantize(net, cfg.format(), Calibration.minMax(net, samples)).network();
        Tensor x = input != null ? Npy.read(input) : samples != null ? samples.slice(0, 1) : Execution.randomInput(net, 1, 42);
        builder.setSource(net.name());
        HlsLayers.of(q, cfg, x, layers).forEach(builder::addLayer);
        HlsProject project = builder.build();
        project.write(out);
        long t1 = System.nanoTime();
        if (json) {
            o.print(project.estimate().toJsonText());
        } else {
            o.printf(Locale.ROOT, "exported %s (%s) on array %s: %d files in %s (%.1f s)%n", net.name(),
                    String.join(", ", project.estimate().report().layers().stream().map(l -> l.name()).toList()), cfg,
                    project.files().size(), out, (t1 - t0) / 1e9);
            if (given == null) {
                o.println(calibration != null ? "quantized to " + q.format() + " from " + calibration
                        : "quantized to " + q.format() + " from " + RANDOM_CALIBRATION_SAMPLES
                                + " seeded random samples in [0, 1): right for checking the hardware, not for"
                                + " accuracy (give --calibration, or quantize with systole quantize)");
            }
            o.print(project.estimate().summary());
            o.println("C simulation against the Java simulator: make -C " + out + " csim");
        }
        o.flush();
        return 0;
    }

}
