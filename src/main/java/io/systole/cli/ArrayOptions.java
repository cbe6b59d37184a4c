package io.systole.cli;

import io.systole.arith.NumberFormat;
import io.systole.quant.QuantizedNetwork;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The array whose order defines the numbers: a preset with command-line overrides. */
final class ArrayOptions {
    @Option(names = "--preset", paramLabel = "NAME|FILE", defaultValue = "16x16-ws",
            description = "Array preset (${COMPLETION-CANDIDATES}) or configuration file (default ${DEFAULT-VALUE}).",
            completionCandidates = Presets.class)
    String preset;

    @Option(names = "--array", paramLabel = "RxC", description = "Array size, e.g. 16x16 (overrides the preset).")
    String array;

    @Option(names = "--dataflow", paramLabel = "ws|os", description = "Dataflow (overrides the preset).")
    String dataflow;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "f32, int8[<ACC,WRAP|SATURATE,...>] or fixed<W,I,Q,O> (overrides the preset; a quantized"
                    + " model's format by default).")
    String format;

    /** The preset names, for help and completion. */
    static final class Presets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ArrayConfig.presetNames().iterator();
        }
    }

    /** The preset with the command line's overrides; named {@code custom} when anything was overridden. */
    ArrayConfig config() throws IOException {
        ArrayConfig cfg = ArrayConfig.resolve(preset);
        if (array != null) {
            String[] rc = array.toLowerCase(Locale.ROOT).split("x");
            try {
                cfg = cfg.withSize(Integer.parseInt(rc[0].strip()), Integer.parseInt(rc[1].strip()));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("--array must be RxC such as 16x16, got '" + array + "'", e);
            }
        }
        if (dataflow != null) {
            cfg = cfg.withDataflow(Dataflow.parse(dataflow));
        }
        if (format != null) {
            cfg = cfg.withFormat(NumberFormat.parse(format));
        }
        return array != null || dataflow != null || format != null ? cfg.withName("custom") : cfg;
    }

    /**
     * {@link #config()} for a quantized network (none when null): in the network's format unless
     * {@code --format} says otherwise, named {@code custom} when that changed the preset.
     *
     * @throws IllegalArgumentException naming both formats when the array cannot run the network
     */
    ArrayConfig config(QuantizedNetwork quantized) throws IOException {
        ArrayConfig cfg = config();
        if (quantized == null) {
            return cfg;
        }
        if (format == null && !cfg.format().equals(quantized.format())) {
            cfg = cfg.withFormat(quantized.format()).withName("custom");
        }
        quantized.requireArray(cfg);
        return cfg;
    }
}
