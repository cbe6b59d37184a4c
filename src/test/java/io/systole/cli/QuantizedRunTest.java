package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.arith.FixedFormat;
import io.systole.arith.NumberFormat;
import io.systole.backend.opencl.OpenClTestSupport;
import io.systole.cli.CliTest.Result;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.quant.Calibration;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.QuantizedSimulator;
import io.systole.quant.Quantizer;
import io.systole.quant.TrainedLeNet;
import io.systole.sim.ArrayConfig;
import io.systole.sim.FastEngine;
import io.systole.sim.Report;
import io.systole.sim.Simulator;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run}, {@code verify} and {@code profile} of the trained LeNet-5 in int8 (a quantized model
 * file) and in fixed point (quantized on the way, calibrated on a small batch): every device gives
 * the simulator's values bit for bit, and bad input is a clear error.
 */
class QuantizedRunTest {
    private static final String FIXED = "fixed<16,6,RND,SAT>";

    @TempDir
    Path dir;

    /** The default array (preset 16x16-ws) in a quantized network's format. */
    private static ArrayConfig array(QuantizedNetwork q) {
        return ArrayConfig.preset("16x16-ws").withFormat(q.format());
    }

    private Path save(String name, Tensor t) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, t);
        return p;
    }

    /** The int8 network written as a quantized model file. */
    private Path int8Model(QuantizedNetwork q) throws IOException {
        Path p = dir.resolve("lenet-int8.json");
        QuantizedModelFile.save(q, p);
        return p;
    }

    /** {@code run} with its arguments, writing y-TAG.npy; returns what it wrote. */
    private Tensor run(String tag, String... args) throws IOException {
        Path y = dir.resolve("y-" + tag + ".npy");
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        all.addAll(List.of("--output", y.toString()));
        Result r = CliTest.run(all.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return Npy.read(y);
    }

    @Test
    void int8ModelFileRunsOnJvmAndSimAsTheSimulator() throws IOException {
        QuantizedNetwork q = TrainedLeNet.quantized("int8");
        String model = int8Model(q).toString();
        Tensor x = TrainedLeNet.images(3, 5);
        String in = save("x.npy", x).toString();
        Simulator.Run sim = new QuantizedSimulator(array(q), new FastEngine()).run(q, x);
        Tensor want = q.activation("softmax").decode(sim.output());
        for (String device : List.of("jvm", "sim")) {
            assertEquals(want, run(device, model, "--device", device, "--input", in), device);
            assertEquals(sim.values().get("fc3"), run(device + "-raw", model, "--device", device, "--input", in,
                    "--raw"), device + " --raw: the logits before the float softmax");
        }
        Result r = CliTest.run("run", model, "--device", "sim", "--input", in, "--output", dir.resolve("y.npy")
                .toString());
        assertTrue(r.out().contains("quantized model " + model + " (int8)"), r.out());
        assertTrue(r.out().contains("(int8, stage 0 on sim"), r.out());
    }

    @Test
    void floatModelRunsInFixedPointQuantizedOnTheWay() throws IOException {
        Network net = Zoo.get(TrainedLeNet.NAME);
        Tensor cal = TrainedLeNet.images(6, 7);
        Tensor x = TrainedLeNet.images(2, 8);
        String in = save("x.npy", x).toString();
        String calibration = save("cal.npy", cal).toString();
        for (boolean own : new boolean[] {false, true}) {
            QuantizedNetwork q = Quantizer.quantize(net, NumberFormat.parse(FIXED),
                    Calibration.minMax(net, own ? x : cal)).network();
            Tensor want = q.activation("softmax").decode(new QuantizedSimulator(array(q), new FastEngine())
                    .run(q, x).output());
            List<String> args = new ArrayList<>(List.of(TrainedLeNet.NAME, "--format", FIXED, "--input", in));
            if (!own) {
                args.addAll(List.of("--calibrate", calibration));
            }
            for (String device : List.of("jvm", "sim")) {
                List<String> a = new ArrayList<>(args);
                a.addAll(List.of("--device", device));
                assertEquals(want, run(device + own, a.toArray(String[]::new)), device);
            }
            args.add(0, "run");
            args.addAll(List.of("--output", dir.resolve("y.npy").toString()));
            Result r = CliTest.run(args.toArray(String[]::new));
            assertTrue(r.out().contains("quantized lenet5-28 to " + FIXED + ", calibrated (min/max) on "
                    + (own ? "the run's own input " + in + " (2 samples)" : "--calibrate " + calibration
                    + " (6 samples)")), r.out());
        }
    }

    @Test
    void verifyComparesEveryLayersIntegers() throws IOException {
        String model = int8Model(TrainedLeNet.quantized("int8")).toString();
        for (String device : List.of("jvm", "sim")) {
            Result r = CliTest.run("verify", model, "--device", device, "--random", "2");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("  conv1      " + device + " ") && r.out().contains("equal (6912 elements)"),
                    r.out());
            assertTrue(r.out().contains("verification: PASS, every layer of lenet5-28 equals the simulator (custom,"
                    + " 16x16 WS, int8) bit for bit"), r.out());
        }
        Result r = CliTest.run("verify", TrainedLeNet.NAME, "--format", FIXED, "--device", "sim", "--random", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("calibrated (min/max) on the run's own seeded random input (2 samples)"),
                r.out());
        assertTrue(r.out().contains("verification: PASS") && r.out().contains(FIXED + ") bit for bit"), r.out());
    }

    @Test
    void profileReportsTheQuantizedSimulation() throws IOException {
        QuantizedNetwork q = TrainedLeNet.quantized("int8");
        String model = int8Model(q).toString();
        Path out = dir.resolve("prof");
        Result r = CliTest.run("profile", model, "--device", "sim", "--batch", "2", "--warmup", "1", "--repeat", "2",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("GOP/s") && r.out().contains("array custom (16x16 WS, int8)"), r.out());
        Report sim = new QuantizedSimulator(array(q), new FastEngine())
                .run(q, Execution.randomInput(q.network(), 2, 42)).report();
        JsonNode j = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(q.network().nodes().size(), j.get("layers").size());
        for (JsonNode l : j.get("layers")) {
            String name = l.get("name").asText();
            assertEquals(sim.layer(name).cycles(), l.get("sim_cycles").asLong(), name);
            assertEquals(sim.layer(name).dramReadBytes(), l.get("dram_read_bytes").asLong(), name);
        }
        JsonNode conv1 = j.get("layers").get(0);
        assertEquals("sim", conv1.get("device").asText());
        assertTrue(conv1.get("gflops").asDouble() > 0 && conv1.get("sim_utilization").asDouble() > 0);
        assertTrue(Files.readString(out.resolve("report.csv")).lines().count() == q.network().nodes().size() + 1);
        assertTrue(Files.readString(out.resolve("report.html")).contains("\"name\" : \"conv1\""));
    }

    @Test
    void badQuantizedRunsAreClearErrorsAndWriteNothing() throws IOException {
        String model = int8Model(TrainedLeNet.quantized("int8")).toString();
        String bad = save("bad.npy", Tensor.of(new float[2 * 27 * 28], 2, 1, 27, 28)).toString();
        String in = save("x.npy", TrainedLeNet.images(1, 3)).toString();
        Path y = dir.resolve("y.npy");
        Map<List<String>, String> cases = Map.of(
                List.of(model, "--input", bad), "expects a float32 input of shape (N, 1, 28, 28), got F32 [2, 1, 27, 28]",
                List.of(TrainedLeNet.NAME, "--format", "int8", "--input", bad), "expects a float32 input of shape"
                        + " (N, 1, 28, 28), got F32 [2, 1, 27, 28]",
                List.of(TrainedLeNet.NAME, "--format", "int8", "--calibrate", bad, "--input", in), "--calibrate " + bad
                        + ": network 'lenet5-28' expects a float32 input of shape (N, 1, 28, 28), got F32 [2, 1, 27, 28]",
                List.of(model, "--format", FIXED, "--input", in), "array 'custom' is " + FIXED
                        + ": network 'lenet5-28' is quantized to int8",
                List.of(model, "--calibrate", in, "--input", in), "--calibrate quantizes a float model; '" + model
                        + "' is already quantized (int8)",
                List.of(TrainedLeNet.NAME, "--calibrate", in, "--input", in), "--calibrate quantizes a float model for"
                        + " an int8 or fixed-point run: give --format int8 or fixed<W,I,Q,O>",
                List.of(TrainedLeNet.NAME, "--raw", "--input", in), "--raw writes the integers of an int8 or"
                        + " fixed-point run; this run is float32");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            List<String> args = new ArrayList<>(List.of("run", "--device", "jvm", "--output", y.toString()));
            args.addAll(c.getKey());
            Result r = CliTest.run(args.toArray(String[]::new));
            assertEquals(1, r.code(), c.getKey().toString());
            assertTrue(r.err().contains(c.getValue()), r.err());
            assertTrue(Files.notExists(y), c.getKey().toString());
        }
    }

    /** int8 and fixed point on the OpenCL device give the jvm's outputs and pass verification. */
    @Test
    void openClRunsEqualTheJvmBitForBit() throws IOException {
        String cl = OpenClTestSupport.device().id();
        String model = int8Model(TrainedLeNet.quantized("int8")).toString();
        String in = save("x.npy", TrainedLeNet.images(3, 11)).toString();
        String cal = save("cal.npy", TrainedLeNet.images(4, 12)).toString();
        for (List<String> m : List.of(List.of(model), List.of(TrainedLeNet.NAME, "--format", FIXED, "--calibrate",
                cal))) {
            List<String> args = new ArrayList<>(m);
            args.addAll(List.of("--input", in));
            List<String> onCl = new ArrayList<>(args);
            onCl.addAll(List.of("--device", cl));
            List<String> onJvm = new ArrayList<>(args);
            onJvm.addAll(List.of("--device", "jvm"));
            assertEquals(run("jvm", onJvm.toArray(String[]::new)), run("cl", onCl.toArray(String[]::new)), m.toString());
            onCl.add("--raw");
            onJvm.add("--raw");
            assertEquals(run("jvm-raw", onJvm.toArray(String[]::new)), run("cl-raw", onCl.toArray(String[]::new)));
            List<String> verify = new ArrayList<>(List.of("verify"));
            verify.addAll(m);
            verify.addAll(List.of("--device", cl, "--random", "2"));
            Result r = CliTest.run(verify.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("  pool1      " + cl + " ") && r.out().contains("verification: PASS"), r.out());
        }
    }

    /** A layer in a fixed-point format the OpenCL kernels of the array's format cannot compute. */
    @Test
    void theDeviceRunsOnlyTheFormatsItComputes() throws IOException {
        String cl = OpenClTestSupport.device().id();
        Network net = Zoo.get(TrainedLeNet.NAME);
        FixedFormat own = FixedFormat.parse("fixed<16,4,RND,SAT>");
        QuantizedNetwork q = Quantizer.fixed(net, FixedFormat.parse(FIXED), Map.of("conv1", own),
                Calibration.minMax(net, TrainedLeNet.images(8, 21))).network();
        Path model = dir.resolve("lenet-fixed.json");
        QuantizedModelFile.save(q, model);
        String in = save("x.npy", TrainedLeNet.images(2, 13)).toString();
        Result r = CliTest.run("run", model.toString(), "--device", cl, "--place", "conv1=" + cl, "--input", in,
                "--output", dir.resolve("y.npy").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("layer 'conv1' (conv2d, " + FIXED + " and " + own + ") is pinned to '" + cl
                + "', which does not compute " + own), r.err());
        assertTrue(Files.notExists(dir.resolve("y.npy")));
        Tensor onCl = run("cl", model.toString(), "--device", cl, "--input", in);
        assertEquals(run("jvm", model.toString(), "--device", "jvm", "--input", in), onCl);
    }
}
