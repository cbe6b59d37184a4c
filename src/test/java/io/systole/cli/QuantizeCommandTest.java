package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.cli.SimulateCommandTest.Result;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.quant.Calibration;
import io.systole.quant.IntegerReference;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.Quantizer;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import io.systole.train.Dataset;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code systole quantize}, and {@code systole simulate} running what it writes. */
class QuantizeCommandTest {
    @TempDir
    Path dir;

    static Result run(Callable<Integer> command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().flush();
            return 1;
        });
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Path batch(String name, Network net, int n, long seed) throws IOException {
        float[] x = new float[Math.toIntExact(n * net.inputShape().size())];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        Path p = dir.resolve(name);
        Npy.write(p, Tensor.of(x, net.inputShape().batched(n)));
        return p;
    }

    @Test
    void int8QuantizeThenSimulateWithValues() throws IOException {
        Network net = Zoo.get("lenet5-28");
        Path cal = batch("cal.npy", net, 8, 1);
        Path x = batch("x.npy", net, 3, 2);
        Path q = dir.resolve("q.json");
        Path report = dir.resolve("r.json");
        Result r = run(new QuantizeCommand(), "lenet5-28", "--format", "int8", "--calibration", cal.toString(), "--out",
                q.toString(), "--report", "--report-json", report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("relu1 (folded)") && r.out().contains("int8 s="), r.out());
        assertTrue(r.out().contains("quantized lenet5-28 to int8 from 8 samples (min/max)"), r.out());
        assertTrue(r.out().contains("conv2d+relu") && r.out().contains("top-1 agreement with float: "), r.out());
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertEquals(8, j.get("top1").get("samples").asInt());

        QuantizedNetwork want = Quantizer.int8(net, Int8Format.DEFAULT, Calibration.minMax(net, Npy.read(cal)))
                .network();
        QuantizedNetwork got = QuantizedModelFile.load(q);
        ArrayConfig cfg = ArrayConfig.preset("16x16-ws").withFormat(Int8Format.DEFAULT);
        Tensor input = Npy.read(x);
        Tensor logits = IntegerReference.forwardAll(want, cfg, input).get("fc3");
        assertEquals(logits, IntegerReference.forwardAll(got, cfg, input).get("fc3"));

        Path y = dir.resolve("y.npy");
        Result s = SimulateCommandTest.run(q.toString(), "--input", x.toString(), "--output", y.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("array custom (16x16 ws, int8)"), s.out());
        assertEquals(IntegerReference.forward(want, cfg, input), Npy.read(y));

        Path raw = dir.resolve("raw.npy");
        Result p = SimulateCommandTest.run(q.toString(), "--input", x.toString(), "--output", raw.toString(), "--raw",
                "--engine", "pe", "--preset", "8x8-os", "--format", "int8<16,SATURATE>", "--json");
        assertEquals(0, p.code(), p.err());
        ArrayConfig narrow = ArrayConfig.preset("8x8-os").withFormat(Int8Format.parse("int8<16,SATURATE>"));
        assertEquals(IntegerReference.forwardAll(want, narrow, input).get("fc3"), Npy.read(raw));
        assertEquals(Dataflow.OS.key(), new ObjectMapper().readTree(p.out()).get("array").get("dataflow").asText());

        Result bad = SimulateCommandTest.run(q.toString(), "--format", "int8<32,WRAP,FLOAT_SCALE>");
        assertTrue(bad.err().contains("quantized to int8 (an int8 array with MULTIPLIER_SHIFT requantization"),
                bad.err());
    }

    @Test
    void fixedWithPerLayerFormats() throws IOException {
        Path cal = batch("cal.npy", Zoo.get("tiny"), 4, 3);
        Path q = dir.resolve("fixed.json");
        Result r = run(new QuantizeCommand(), "tiny", "--format", "fixed<16,6,RND,SAT>", "--per-layer",
                "conv2=fixed<12,4,RND_CONV,SAT>,fc=fixed<14,5>", "--calibration", cal.toString(), "--method",
                "percentile", "--percentile", "99.9", "--out", q.toString(), "--report");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("from 4 samples (percentile 99.9)"), r.out());
        QuantizedNetwork got = QuantizedModelFile.load(q);
        assertEquals(FixedFormat.parse("fixed<12,4,RND_CONV,SAT>"), got.op("conv2").format());
        assertEquals(FixedFormat.parse("fixed<14,5>"), got.op("fc").format());
        assertEquals(FixedFormat.parse("fixed<16,6,RND,SAT>"), got.op("conv3").format());

        Path y = dir.resolve("y.npy");
        Result s = SimulateCommandTest.run(q.toString(), "--array", "4x4", "--output", y.toString(), "--raw");
        assertEquals(0, s.code(), s.err());
        assertEquals(io.systole.tensor.DType.I32, Npy.read(y).dtype());

        Result fit = run(new QuantizeCommand(), "tiny", "--format", "fixed<8,1,RND,SAT>", "--fit-int-bits",
                "--per-layer", "fc=fixed<12,5>", "--calibration", cal.toString(), "--out", q.toString());
        assertEquals(0, fit.code(), fit.err());
        QuantizedNetwork fitted = QuantizedModelFile.load(q);
        Calibration c = Calibration.minMax(Zoo.get("tiny"), Npy.read(cal));
        assertEquals(Quantizer.fitIntegerBits(Zoo.get("tiny"), FixedFormat.parse("fixed<8,1,RND,SAT>"), c).get("conv1"),
                fitted.op("conv1").format());
        assertEquals(FixedFormat.parse("fixed<12,5>"), fitted.op("fc").format());
    }

    @Test
    void fashionMnistInOneLine() throws IOException {
        assumeTrue(Files.isDirectory(Dataset.FASHION_MNIST_DIR), "needs the Debian package "
                + Dataset.FASHION_MNIST_PACKAGE);
        Path q = dir.resolve("lenet.json");
        Result r = run(new QuantizeCommand(), "lenet5-28", "--format", "int8", "--data", "fashion-mnist", "--samples",
                "200", "--eval-samples", "100", "--out", q.toString(), "--report");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("from 200 samples") && r.out().contains("error against float on 100 samples"),
                r.out());
        assertTrue(r.out().contains("; accuracy: float "), r.out());
        assertEquals(200, QuantizedModelFile.load(q).calibration().samples());
    }

    @Test
    void refusesBadRequestsWithoutWritingAnything() throws IOException {
        Path cal = batch("cal.npy", Zoo.get("tiny"), 2, 3);
        Path q = dir.resolve("none.json");
        String[][] cases = {
            {"tiny", "--format", "int8", "--out", q.toString()},
            {"tiny", "--format", "int8", "--per-layer", "conv1=fixed<8,3>", "--calibration", cal.toString(), "--out",
                q.toString()},
            {"tiny", "--format", "fixed<8,3>", "--per-layer", "pool1=fixed<8,3>", "--out", q.toString()},
            {"tiny", "--format", "fixed<8,3>", "--per-layer", "conv1", "--out", q.toString()},
            {"tiny", "--format", "int8", "--calibration", cal.toString(), "--data", "fashion-mnist", "--out",
                q.toString()},
            {"tiny", "--format", "int8", "--data", "fashion-mnist", "--samples", "5", "--out", q.toString()},
            {"tiny", "--format", "fixed<8,3>", "--report", "--out", q.toString()},
            {"tiny", "--format", "int8", "--calibration", cal.toString(), "--method", "median", "--out", q.toString()},
            {"tiny", "--format", "fixed<8,3>", "--fit-int-bits", "--out", q.toString()},
            {"tiny", "--format", "int8", "--fit-int-bits", "--calibration", cal.toString(), "--out", q.toString()},
        };
        String[] expected = {
            "int8 needs calibration samples",
            "--per-layer takes fixed-point formats and needs a fixed-point --format",
            "per-layer format for 'pool1': it is a maxpool2d layer",
            "--per-layer entry 'conv1' must be LAYER=FORMAT",
            "give --calibration or --data, not both",
            "network 'tiny' expects a float32 input of shape (N, 3, 9, 9), got F32 [5, 1, 28, 28]",
            "--report needs samples",
            "calibration method 'median' is unknown",
            "--fit-int-bits needs calibration samples",
            "--fit-int-bits needs a fixed-point --format",
        };
        for (int i = 0; i < cases.length; i++) {
            if (i == 5 && !Files.isDirectory(Dataset.FASHION_MNIST_DIR)) {
                continue;
            }
            Result r = run(new QuantizeCommand(), cases[i]);
            assertEquals(1, r.code(), String.join(" ", cases[i]));
            assertTrue(r.err().contains(expected[i]), r.err());
        }
        assertFalse(Files.exists(q));
        assertFalse(Files.exists(dir.resolve("none.npz")));
        Map<String, FixedFormat> m = QuantizeCommand.layerFormats(List.of("a=fixed<8,3,RND,SAT>, b=fixed<9,2>",
                "c=fixed<4,1>"));
        assertEquals(List.of("a", "b", "c"), List.copyOf(m.keySet()));
    }
}
