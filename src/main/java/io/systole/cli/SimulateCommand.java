package io.systole.cli;

import io.systole.arith.F32;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.QuantizedSimulator;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Engine;
import io.systole.sim.FastEngine;
import io.systole.sim.LayerStats;
import io.systole.sim.PeEngine;
import io.systole.sim.Report;
import io.systole.sim.Simulator;
import io.systole.sim.Topology;
import io.systole.sim.VcdWriter;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import io.systole.tensor.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code systole simulate MODEL|Q.json|TOPOLOGY.csv}: a network on the systolic-array simulator,
 * with values (float models on an f32 array, quantized models on an array of their format) and
 * cycles, traffic and utilization per layer. A quantized model's input is float32, quantized with
 * its input's parameters; its output is written dequantized to float32, or with {@code --raw} as
 * the raw values (int8, or int32 raw fixed point) of the last integer tensor.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulate a network on a systolic array: output values (float models on an f32 array,"
            + " quantized models from `systole quantize` on an array of their format) and, per layer, cycles,"
            + " stalls, utilization, scratchpad accesses and DRAM traffic.",
            "A .csv argument is a topology (SCALE-Sim layout), simulated for time and traffic only."})
final class SimulateCommand implements Callable<Integer> {
    /** Largest waveform accepted, in PE-cycles (cycles times PEs). */
    static final long MAX_VCD_PE_CYCLES = 20_000_000L;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL|Q.json|TOPOLOGY.csv",
            description = "A zoo name, a model file, a quantized model file, or a topology CSV.")
    String source;

    @Mixin
    ArrayOptions arrayOptions;

    @Option(names = "--batch", defaultValue = "1", description = "Batch size without --input (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--input", paramLabel = "x.npy", description = "Input batch, float32 (N, C, H, W) or (N, F);"
            + " without it a seeded random batch is used.")
    Path input;

    @Option(names = "--output", paramLabel = "y.npy", description = "Write the network's simulated output here"
            + " (float32; a quantized model's output dequantized).")
    Path output;

    @Option(names = "--raw", description = "Quantized models: write the raw values of the last integer tensor (int8,"
            + " or int32 raw fixed point; the logits when the network ends in softmax) instead of float32.")
    boolean raw;

    @Option(names = "--engine", defaultValue = "fast", paramLabel = "fast|pe",
            description = "fast (vectorized, whole networks) or pe (steps every PE every cycle); default ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--vcd", paramLabel = "out.vcd", description = "Write a waveform of one array layer (PE-level).")
    Path vcd;

    @Option(names = "--vcd-layer", paramLabel = "NODE",
            description = "The layer recorded by --vcd (default: the first convolution or dense layer).")
    String vcdLayer;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null && !json;
        Simulator.Progress progress = terminal
                ? (i, n, name) -> err.printf("\rsimulating [%d/%d] %-24s", i + 1, n, name).flush()
                : (i, n, name) -> { };
        Engine eng = switch (engine) {
            case "fast" -> new FastEngine();
            case "pe" -> new PeEngine();
            default -> throw new IllegalArgumentException("--engine must be fast or pe, got '" + engine + "'");
        };
        Topology topology = source.endsWith(".csv") ? Topology.read(Path.of(source)) : null;
        QuantizedNetwork quantized = topology == null && QuantizedModelFile.isQuantized(Path.of(source))
                ? QuantizedModelFile.load(Path.of(source)) : null;
        Network net = topology != null ? null : quantized != null ? quantized.network() : ModelFile.resolve(source);
        ArrayConfig cfg = arrayOptions.config(quantized);
        boolean values = net != null && (quantized != null || cfg.format() instanceof F32);
        if (!values && (input != null || output != null || vcd != null)) {
            throw new IllegalArgumentException("--input, --output and --vcd need values: " + (net == null
                    ? "a topology has shapes only" : "values in " + cfg.format()
                    + " need quantized layers (systole quantize); float models are timed only"));
        }
        if (raw && (quantized == null || output == null)) {
            throw new IllegalArgumentException("--raw writes the raw output of a quantized model: it needs one,"
                    + " and --output");
        }
        Simulator sim = new Simulator(cfg, eng, progress);
        Tensor x = values ? (input != null ? Npy.read(input) : Execution.randomInput(net, batch, 42)) : null;
        BiFunction<String, Engine, Simulator.Run> runner = quantized == null
                ? (node, e) -> (node == null ? sim : sim.withEngine(node, e)).run(net, x)
                : (node, e) -> {
                    QuantizedSimulator qs = new QuantizedSimulator(cfg, eng, progress);
                    return (node == null ? qs : qs.withEngine(node, e)).run(quantized, x);
                };
        long t0 = System.nanoTime();
        Report report;
        if (topology != null) {
            report = sim.timing(topology);
        } else if (!values) {
            report = sim.timing(net, batch);
        } else {
            Simulator.Run[] run = new Simulator.Run[1];
            if (vcd != null) {
                String node = vcdLayer != null ? vcdLayer : firstArrayNode(net);
                checkWaveSize(sim.timing(net, x.dim(0)), node, cfg);
                AtomicFiles.write(vcd, os -> {
                    Writer wave = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
                    run[0] = runner.apply(node, new PeEngine(new VcdWriter(wave)));
                    wave.flush();
                });
            } else {
                run[0] = runner.apply(null, null);
            }
            report = run[0].report();
            if (output != null) {
                Npy.write(output, quantized == null ? run[0].output() : output(quantized, run[0]));
            }
        }
        long t1 = System.nanoTime();
        if (terminal) {
            err.print("\r" + " ".repeat(48) + "\r");
            err.flush();
        }
        if (json) {
            out.print(report.toJsonText());
        } else {
            out.print("network " + report.network() + ", batch " + report.batch() + ", array " + cfg + "\n");
            out.print(Format.table(Report.TEXT_HEADER, report.textRows()));
            out.println(report.summaryLine());
            out.printf("simulated in %.1f ms%s%s%n", (t1 - t0) / 1e6, output != null ? "; wrote " + output : "",
                    vcd != null ? "; waveform " + vcd : "");
        }
        out.flush();
        return 0;
    }

    /** The output of a quantized run: dequantized float32, or the raw last integer tensor with --raw. */
    private Tensor output(QuantizedNetwork q, Simulator.Run run) {
        return raw ? run.values().get(q.lastInteger())
                : q.activation(q.network().nodes().getLast().name()).decode(run.output());
    }

    private static String firstArrayNode(Network net) {
        return net.nodes().stream().filter(n -> n.layer() instanceof Conv2d || n.layer() instanceof Dense)
                .map(Network.Node::name).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("network '" + net.name() + "' has no array layer to record"));
    }

    private static void checkWaveSize(Report timing, String node, ArrayConfig cfg) {
        LayerStats row = timing.layer(node);
        if (row.unit() != LayerStats.Unit.ARRAY) {
            throw new IllegalArgumentException("--vcd-layer '" + node + "' is a " + row.type()
                    + " layer; only convolution and dense layers run on the array");
        }
        long peCycles = row.computeCycles() * cfg.pes();
        if (peCycles > MAX_VCD_PE_CYCLES) {
            throw new IllegalArgumentException("layer '" + node + "' takes " + row.computeCycles() + " cycles on "
                    + cfg.pes() + " PEs: a waveform of " + peCycles + " PE-cycles is above the limit of "
                    + MAX_VCD_PE_CYCLES + "; choose a smaller layer (--vcd-layer) or array (--array)");
        }
    }
}
