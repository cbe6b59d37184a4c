package io.systole.cli;

import io.systole.arith.F32;
import io.systole.backend.Backend;
import io.systole.backend.Devices;
import io.systole.model.ModelException;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.partition.Partitioner;
import io.systole.partition.Placement;
import io.systole.partition.Plan;
import io.systole.quant.Calibration;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.QuantizedSimulator;
import io.systole.quant.Quantizer;
import io.systole.quant.Samples;
import io.systole.ref.ReferenceEngine;
import io.systole.runtime.Runtime;
import io.systole.sim.ArrayConfig;
import io.systole.sim.FastEngine;
import io.systole.sim.Report;
import io.systole.sim.Simulator;
import io.systole.tensor.AtomicFiles;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What run, verify and profile share: the model, the array, the devices, the placement. A run is
 * float32, or int8 or fixed point when the model is a quantized model file or {@code --format}
 * asks for one; then its values are the quantized network's encodings, its input is quantized
 * with the network input's parameters and its output comes back dequantized.
 */
final class Execution implements AutoCloseable {
    @Parameters(paramLabel = "MODEL", description = "A zoo name, a model file, or a quantized model file (systole"
            + " quantize), which runs in its format.")
    String model;

    @Mixin
    ArrayOptions arrayOptions;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|jvm|sim|opencl:N",
            description = "Devices to use besides the host (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--place", paramLabel = "LAYER=DEVICE,...", description = "Pin layers to devices, e.g. conv1=opencl:0,fc1=jvm.")
    String place;

    @Option(names = "--kernel-binary", paramLabel = "FILE",
            description = "Load the OpenCL kernels from a saved device binary (systole compile-kernels) instead of"
                    + " building them from source: the FPGA deployment path.")
    Path kernelBinary;

    @Option(names = "--dot", paramLabel = "plan.dot", description = "Write the plan as Graphviz DOT.")
    Path dot;

    @Option(names = "--calibrate", paramLabel = "x.npy",
            description = "A float model run with --format int8 or fixed<...> is quantized first, its ranges"
                    + " calibrated (min/max) on this float32 batch (N, C, H, W) or (N, F); default: on the run's"
                    + " own input batch.")
    Path calibrate;

    Network net;
    /** The network in int8 or fixed point, or null for a float32 run. */
    QuantizedNetwork quantized;
    ArrayConfig cfg;
    List<Backend> backends;

    /** Loads the model and array, finds the devices. */
    Execution open() throws IOException {
        Path file = Path.of(model);
        QuantizedNetwork given = QuantizedModelFile.isQuantized(file) ? QuantizedModelFile.load(file) : null;
        if (given != null && calibrate != null) {
            throw new IllegalArgumentException("--calibrate quantizes a float model; '" + model
                    + "' is already quantized (" + given.format() + ")");
        }
        net = given != null ? given.network() : ModelFile.resolve(model);
        cfg = arrayOptions.config(given);
        if (calibrate != null && cfg.format() instanceof F32) {
            throw new IllegalArgumentException("--calibrate quantizes a float model for an int8 or fixed-point run:"
                    + " give --format int8 or fixed<W,I,Q,O>");
        }
        quantized = given;
        backends = Devices.select(device, cfg, kernelBinary);
        return this;
    }

    /**
     * Checks a float32 input batch against the network; a float model run in int8 or fixed point
     * is quantized here, calibrated on {@code --calibrate} or else on this batch ({@code source}
     * says what it is). Returns the lines saying how the network was quantized (none for float32).
     */
    List<String> prepare(Tensor x, String source) throws IOException {
        ReferenceEngine.checkInput(net, x);
        List<String> lines = new ArrayList<>();
        if (quantized != null) {
            lines.add("quantized model " + model + " (" + quantized.format() + ")");
            return lines;
        }
        if (cfg.format() instanceof F32) {
            return lines;
        }
        Tensor batch = calibrate != null ? calibrationBatch() : x;
        Quantizer.Result r = Quantizer.quantize(net, cfg.format(), Calibration.minMax(net, batch));
        quantized = r.network();
        lines.add(String.format(Locale.ROOT, "quantized %s to %s, calibrated (min/max) on %s (%d samples)",
                net.name(), quantized.format(), calibrate != null ? "--calibrate " + calibrate : source, batch.dim(0)));
        r.warnings().forEach(w -> lines.add("warning: " + w));
        return lines;
    }

    /** The --calibrate batch, checked against the network's input shape. */
    private Tensor calibrationBatch() throws IOException {
        Tensor batch = Samples.npy(calibrate).images();
        try {
            ReferenceEngine.checkInput(net, batch);
        } catch (ModelException e) {
            throw new ModelException("--calibrate " + calibrate + ": " + e.getMessage(), e);
        }
        return batch;
    }

    /** The plan for a batch, written as DOT when asked. */
    Plan plan(int batch) throws IOException {
        Partitioner partitioner = new Partitioner(List.copyOf(backends));
        Placement pins = Placement.parse(place);
        Plan p = quantized != null ? partitioner.plan(quantized, batch, pins)
                : partitioner.plan(net, batch, requireFloat().elementBytes(), pins);
        if (dot != null) {
            AtomicFiles.writeString(dot, p.dot());
        }
        return p;
    }

    /** Runs the plan on a float32 batch: values in the network's encodings (float32, int8, raw fixed point). */
    Runtime.Execution execute(Plan plan, Tensor x, boolean keepAll) {
        Runtime runtime = new Runtime(backends);
        return quantized != null ? runtime.execute(plan, quantized, x, keepAll) : runtime.execute(plan, x, keepAll);
    }

    /** The simulator's run of a float32 batch, every value in the same encodings as {@link #execute}. */
    Simulator.Run simulate(Tensor x) {
        return quantized != null ? new QuantizedSimulator(cfg, new FastEngine()).run(quantized, x)
                : new Simulator(requireFloat(), new FastEngine()).run(net, x);
    }

    /**
     * The simulator's figures for a float32 batch: for float32 a timing run (no values), for int8
     * and fixed point the simulation of the quantized network.
     */
    Report simulatedTiming(Tensor x) {
        return quantized != null ? simulate(x).report()
                : new Simulator(requireFloat(), new FastEngine()).timing(net, x.dim(0));
    }

    /** The network's output as float32: a quantized run's dequantized. */
    Tensor output(Runtime.Execution r) {
        return quantized != null ? quantized.activation(net.nodes().getLast().name()).decode(r.output()) : r.output();
    }

    /** The array of a float32 run; a quantized one must have been {@link #prepare}d. */
    private ArrayConfig requireFloat() {
        if (!(cfg.format() instanceof F32)) {
            throw new IllegalStateException("a " + cfg.format() + " run of a float model needs it quantized first");
        }
        return cfg;
    }

    Backend backend(String id) {
        return backends.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    /** A seeded uniform [0, 1) batch of the network's input shape. */
    static Tensor randomInput(Network net, int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("the batch size must be positive, got " + n);
        }
        float[] x = new float[Math.toIntExact(n * net.inputShape().size())];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return Tensor.of(x, net.inputShape().batched(n));
    }

    @Override
    public void close() {
        if (backends != null) {
            backends.forEach(Backend::close);
        }
    }
}
