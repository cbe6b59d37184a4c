package io.systole.hls;

import io.systole.arith.F32;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Engine;
import io.systole.sim.FastEngine;
import io.systole.sim.LayerStats;
import io.systole.sim.PoolingUnit;
import io.systole.sim.Report;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An HLS C++ project for an int8 or fixed-point systolic array and some of a network's layers,
 * with a test bench that proves its C simulation against the Java simulator. Built in memory by
 * {@link #builder}, then written by {@link #write} as a whole or not at all. The layout:
 * <pre>
 *   params.h              the array, generated from its ArrayConfig ({@link ParamsHeader})
 *   systole_arith.h       the arithmetic of io.systole.arith in plain C++17 integer code   (template)
 *   systole_array.h       PE, R x C mesh with skew registers, WS and OS schedules, pooling unit (template)
 *   layer_ID.h            per layer: geometry constants, weights (unless large), bias, requantization
 *   layers.h, layers.cpp  one top function per layer, with its interface pragmas
 *   systole_tb.h, testbench.cpp, testbench_cases.h    the test bench                     (templates, cases)
 *   data/ID.input.npy, data/ID.golden.npy             the simulator's input and output per layer
 *   data/ID.weight.npy    weights of large layers, passed to their top function through an AXI port
 *   Makefile              make csim: build the test bench with g++ and run it                (template)
 *   run_hls.tcl           Vitis HLS: csim, csynth, cosim, export, with part and clock as arguments
 *   estimate.json         the resource and latency {@link Estimate}
 *   README.md             what is where and how to run it
 * </pre>
 * Every text file's first line says that systole wrote it and from what.
 */
public final class HlsProject {
    /** The message refusing a float32 array; formatted with the configuration's name. */
    static final String F32_REFUSED = "array '%s' is f32: the HLS export is for int8 and fixed-point arrays;"
            + " choose --format int8 or --format fixed<W,I,Q,O>";
    /** Layers whose weights take more bytes than this get a weight file and an AXI port by default. */
    public static final long DEFAULT_WEIGHT_HEADER_LIMIT = 64 << 10;

    private static final List<String> TEMPLATES = List.of("systole_arith.h", "systole_array.h", "systole_tb.h",
            "testbench.cpp", "Makefile");
    private static final String GENERATOR = "systole export-hls (io.systole.hls.HlsProject)";
    private static final String DEFAULT_PART = "xczu9eg-ffvb1156-2-e";

    private final ArrayConfig config;
    private final String source;
    private final Map<String, byte[]> files;
    private final Estimate estimate;

    private HlsProject(ArrayConfig config, String source, Map<String, byte[]> files, Estimate estimate) {
        this.config = config;
        this.source = source;
        this.files = Collections.unmodifiableMap(files);
        this.estimate = estimate;
    }

    /** Starts a project for an array: required {@link Builder#setSource} and at least one layer. */
    public static Builder builder(ArrayConfig config) {
        return new Builder(config);
    }

    public ArrayConfig config() {
        return config;
    }

    /** What the layers came from, e.g. a model name. */
    public String source() {
        return source;
    }

    /** Every file of the project by its relative path ('/'-separated), in a stable order. */
    public Map<String, byte[]> files() {
        return files;
    }

    /** The resource and latency estimate, with the simulator's report of the exported layers. */
    public Estimate estimate() {
        return estimate;
    }

    /**
     * Writes the project to {@code dir}, which must not exist or be an empty folder: everything
     * is written into a temporary folder beside it, which is then renamed, so an error leaves
     * no partial project behind.
     *
     * @throws FileAlreadyExistsException if {@code dir} is a file or a folder that is not empty
     */
    public void write(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !(Files.isDirectory(target) && isEmpty(target))) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "the output folder exists and is not empty; choose another or remove it");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path p = tmp.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            Files.deleteIfExists(target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Required: the array (given), {@link #setSource}, one layer or more. Optional: the weight header limit. */
    public static final class Builder {
        private final ArrayConfig config;
        private String source;
        private final List<HlsLayer> layers = new ArrayList<>();
        private long weightHeaderLimit = DEFAULT_WEIGHT_HEADER_LIMIT;

        private Builder(ArrayConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            if (config.format() instanceof F32) {
                throw new IllegalArgumentException(F32_REFUSED.formatted(config.name()));
            }
        }

        /** What the layers came from (a model name or file), named in every generated file. */
        public Builder setSource(String text) {
            this.source = Objects.requireNonNull(text, "source");
            return this;
        }

        /** Adds a layer; layers keep this order in the project and its test bench. */
        public Builder addLayer(HlsLayer layer) {
            layers.add(Objects.requireNonNull(layer, "layer"));
            return this;
        }

        /**
         * Layers whose weights take more than this many bytes get a weight file and an AXI master
         * port instead of weights compiled into their top function (default
         * {@value #DEFAULT_WEIGHT_HEADER_LIMIT}).
         */
        public Builder optWeightHeaderLimit(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("weight header limit must be >= 0 bytes, got " + bytes);
            }
            this.weightHeaderLimit = bytes;
            return this;
        }

        /**
         * Simulates every layer on the Java simulator (its output becomes the golden output) and
         * generates the project in memory.
         *
         * @throws IllegalArgumentException naming the layer and field when a layer does not suit the array
         */
        public HlsProject build() {
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("an HLS project needs a source (the model its layers came from)");
            }
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("an HLS project needs at least one layer");
            }
            Map<String, String> ids = new HashMap<>();
            List<LayerSource> sources = new ArrayList<>();
            for (HlsLayer l : layers) {
                LayerSource s = new LayerSource(config, l, LayerSource.weightBytes(l, config) <= weightHeaderLimit);
                String clash = ids.putIfAbsent(s.id(), l.name());
                if (clash != null) {
                    throw new IllegalArgumentException("layers '" + clash + "' and '" + l.name()
                            + "' have the same C name '" + s.id() + "'; export them separately");
                }
                sources.add(s);
            }
            List<LayerStats> stats = new ArrayList<>();
            List<Tensor> outputs = new ArrayList<>();
            for (HlsLayer l : layers) {
                Engine.LayerResult r = simulate(l);
                stats.add(r.stats().named(l.name(), r.stats().type()));
                outputs.add(r.output());
            }
            Report report = new Report(source, config, layers.getFirst().geometry().batch(), stats);
            long constants = sources.stream().mapToLong(LayerSource::constantBytes).sum();
            Estimate estimate = Estimate.of(config, report, constants);
            return new HlsProject(config, source, files(sources, outputs, estimate), estimate);
        }

        private Engine.LayerResult simulate(HlsLayer l) {
            return switch (l) {
                case HlsLayer.Gemm g -> new FastEngine().run(g.layer(), g.input(), config);
                case HlsLayer.Pool p -> {
                    var want = ArrayLayer.activationType(config.format());
                    if (p.input().dtype() != want || p.input().size() != p.geometry().inputElements()) {
                        throw new IllegalArgumentException("layer '" + p.name() + "': expects a " + want
                                + " input of " + p.geometry().inputElements() + " elements, got " + p.input().dtype()
                                + " " + Arrays.toString(p.input().shape()));
                    }
                    yield new PoolingUnit(config).run(p.geometry(), p.average(), p.countIncludePad(), p.zeroPoint(),
                            p.input());
                }
            };
        }

        private Map<String, byte[]> files(List<LayerSource> sources, List<Tensor> outputs, Estimate estimate) {
            Map<String, byte[]> f = new LinkedHashMap<>();
            String from = CppText.oneLine(source) + " on array " + CppText.oneLine(config.toString());
            String generated = "Generated by " + GENERATOR + " from " + from + ". Do not edit: export again.";
            text(f, "README.md", readme(sources, estimate, "<!-- " + generated + " -->\n"));
            text(f, ParamsHeader.FILE, ParamsHeader.of(config));
            for (String t : TEMPLATES) {
                String comment = t.equals("Makefile") ? "# " : "// ";
                text(f, t, comment + "Copied by " + GENERATOR + " from its template hls/" + t
                        + ". Do not edit here.\n" + template(t));
            }
            StringBuilder decls = new StringBuilder("// " + generated + "\n");
            decls.append("#ifndef SYSTOLE_LAYERS_H\n#define SYSTOLE_LAYERS_H\n\n#include \"systole_array.h\"\n\n");
            StringBuilder defs = new StringBuilder("// " + generated + "\n#include \"layers.h\"\n");
            StringBuilder cases = new StringBuilder("// " + generated + "\n");
            cases.append("#ifndef SYSTOLE_TESTBENCH_CASES_H\n#define SYSTOLE_TESTBENCH_CASES_H\n\n");
            cases.append("#include \"layers.h\"\n#include \"systole_tb.h\"\n\nnamespace systole_tb {\n\n");
            cases.append("const Case CASES[] = {\n");
            for (LayerSource s : sources) {
                defs.append("#include \"").append(s.headerFile()).append("\"\n");
            }
            for (int i = 0; i < sources.size(); i++) {
                LayerSource s = sources.get(i);
                HlsLayer l = layers.get(i);
                text(f, s.headerFile(), s.header("// " + generated + "\n"));
                decls.append(s.declaration()).append('\n');
                defs.append('\n').append(s.definition());
                cases.append(s.testCase());
                npy(f, s.inputFile(), l.input());
                npy(f, s.goldenFile(), outputs.get(i));
                if (s.weightsInFile()) {
                    npy(f, s.weightFile(), s.weightTensor());
                }
            }
            decls.append("#endif\n");
            cases.append("};\n\n} // namespace systole_tb\n\n#endif\n");
            text(f, "layers.h", decls.toString());
            text(f, "layers.cpp", defs.toString());
            text(f, "testbench_cases.h", cases.toString());
            text(f, "run_hls.tcl", tcl(sources, "# " + generated + "\n"));
            text(f, "estimate.json", estimate.toJsonText());
            return f;
        }

        private String tcl(List<LayerSource> sources, String firstLine) {
            StringBuilder t = new StringBuilder(firstLine);
            t.append("# Vitis HLS: C simulation, synthesis, C/RTL co-simulation and IP export of each layer's top\n");
            t.append("# function, one project per layer. Run in this folder:\n");
            t.append("#   vitis_hls -f run_hls.tcl [-tclargs PART [CLOCK_MHZ [STEPS]]]\n");
            t.append("# PART defaults to ").append(DEFAULT_PART).append(", CLOCK_MHZ to the array's clock, STEPS to\n");
            t.append("# \"csim csynth cosim export\".\n");
            t.append("set part [expr {[llength $argv] > 0 ? [lindex $argv 0] : \"").append(DEFAULT_PART).append("\"}]\n");
            t.append("set clock_mhz [expr {[llength $argv] > 1 ? [lindex $argv 1] : ")
                    .append(String.format(Locale.ROOT, "%s", config.clockMhz())).append("}]\n");
            t.append("set steps [expr {[llength $argv] > 2 ? [lindex $argv 2] : \"csim csynth cosim export\"}]\n");
            t.append("# The vendor tool builds with its ap_fixed and ap_int types (SYSTOLE_AP_TYPES).\n");
            t.append("set cflags \"-std=c++17 -DSYSTOLE_AP_TYPES -I[pwd]\"\n");
            t.append("# the top functions, one per layer\nset tops {\n");
            for (LayerSource s : sources) {
                t.append("    ").append(s.topName()).append('\n');
            }
            t.append("}\n");
            t.append("""
                    foreach top $tops {
                        open_project -reset hls_$top
                        set_top $top
                        add_files layers.cpp -cflags $cflags
                        add_files -tb testbench.cpp -cflags $cflags
                        add_files -tb data
                        open_solution -reset solution -flow_target vivado
                        set_part $part
                        create_clock -period [expr {1000.0 / $clock_mhz}] -name default
                        if {"csim" in $steps} { csim_design -argv $top }
                        if {"csynth" in $steps} { csynth_design }
                        if {"cosim" in $steps} { cosim_design -argv $top }
                        if {"export" in $steps} { export_design -format ip_catalog }
                        close_project
                    }
                    exit
                    """);
            return t.toString();
        }

        private String readme(List<LayerSource> sources, Estimate estimate, String firstLine) {
            StringBuilder r = new StringBuilder(firstLine);
            r.append("# HLS project: ").append(CppText.oneLine(source)).append(" on ")
                    .append(CppText.oneLine(config.toString())).append("\n\n");
            r.append("Layers, each with a top function `ID_top` in `layers.cpp`:\n\n");
            for (LayerSource s : sources) {
                r.append("- `").append(s.topName()).append("`: ").append(s.describe()).append(
                        s.weightsInFile() ? " (weights through an AXI port, `" + s.weightFile() + "`)" : "")
                        .append('\n');
            }
            r.append("""

                    C simulation with any C++17 compiler (prints PASS, or the first index that differs from the
                    Java simulator's output with both values; exit code 0 or 1):

                        make csim

                    Vitis HLS (C simulation, synthesis, co-simulation, IP export), part and clock optional:

                        vitis_hls -f run_hls.tcl -tclargs xczu9eg-ffvb1156-2-e 300

                    `params.h` is generated from the array configuration and is never edited by hand.

                    """);
            r.append("```\n").append(estimate.summary()).append("```\n");
            return r.toString();
        }
    }

    private static String template(String name) {
        try (InputStream in = HlsProject.class.getResourceAsStream("/hls/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the HLS template hls/" + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the HLS template hls/" + name + ": " + e.getMessage(), e);
        }
    }

    private static void text(Map<String, byte[]> f, String path, String content) {
        f.put(path, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void npy(Map<String, byte[]> f, String path, Tensor t) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            Npy.write(b, t);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        f.put(path, b.toByteArray());
    }
}
