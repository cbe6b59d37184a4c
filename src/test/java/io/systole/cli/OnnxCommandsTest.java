package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.onnx.QuantizedImport;
import io.systole.quant.Calibration;
import io.systole.quant.IntegerReference;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.Quantizer;
import io.systole.ref.ReferenceEngine;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code systole export-onnx} and {@code systole import}, and ONNX files wherever a MODEL is named. */
class OnnxCommandsTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    private static Result run(Callable<Integer> command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Tensor sample(Network net) {
        float[] x = new float[(int) net.inputShape().size() * 2];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return Tensor.of(x, net.inputShape().batched(2));
    }

    @Test
    void aQuantizedModelFileIsExportedInQdqFormAndImportedBack() throws IOException {
        Network net = Zoo.get("tiny");
        QuantizedNetwork q = Quantizer.int8(net, QuantizedImport.FORMAT, Calibration.minMax(net, sample(net)))
                .network();
        Path json = dir.resolve("tiny-q.json");
        QuantizedModelFile.save(q, json);
        Path onnx = dir.resolve("tiny-q.onnx");
        Result e = run(new ExportOnnxCommand(), json.toString(), "--out", onnx.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("wrote " + onnx + " from Network tiny (3x9x9 -> 5, 10 nodes): QDQ "
                + QuantizedImport.FORMAT + ", 4 quantized array layers"), e.out());
        Path back = dir.resolve("back.json");
        Result i = run(new ImportCommand(), onnx.toString(), "--out", back.toString());
        assertEquals(0, i.code(), i.err());
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(q.format());
        assertEquals(IntegerReference.forward(q, cfg, sample(net)),
                IntegerReference.forward(QuantizedModelFile.load(back), cfg, sample(net)));
    }

    @Test
    void exportThenImportGivesTheSameNetworkBack() throws IOException {
        Path onnx = dir.resolve("tiny.onnx");
        Result e = run(new ExportOnnxCommand(), "tiny", "--out", onnx.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("wrote " + onnx + " from Network tiny (3x9x9 -> 5, 10 nodes): 8 initializers"),
                e.out());

        Path json = dir.resolve("tiny.json");
        Result i = run(new ImportCommand(), onnx.toString(), "--out", json.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().startsWith("imported " + onnx + " as Network tiny (3x9x9 -> 5, 10 nodes) with 642"
                + " parameters")
                && Files.exists(dir.resolve("tiny.npz")), i.out());

        Network zoo = Zoo.get("tiny");
        Tensor x = sample(zoo);
        Tensor want = ReferenceEngine.forward(zoo, x);
        for (Network back : List.of(ModelFile.load(json), ModelFile.resolve(onnx.toString()))) {
            assertEquals(zoo.nodes().stream().map(Network.Node::name).toList(),
                    back.nodes().stream().map(Network.Node::name).toList());
            assertEquals(want, ReferenceEngine.forward(back, x));
        }

        Path again = dir.resolve("again.onnx");
        assertEquals(0, run(new ExportOnnxCommand(), onnx.toString(), "--out", again.toString()).code());
        assertArrayEquals(Files.readAllBytes(onnx), Files.readAllBytes(again));
    }

    @Test
    void aFailedImportWritesNothing() throws IOException {
        Path bad = dir.resolve("bad.onnx");
        Files.writeString(bad, "not a model");
        Path json = dir.resolve("out.json");
        Result r = run(new ImportCommand(), bad.toString(), "--out", json.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(bad + ": not a valid ONNX model"), r.err());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(bad), files.toList());
        }
    }

    @Test
    void bothCommandsHaveHelp() {
        Result i = run(new ImportCommand(), "--help");
        assertEquals(0, i.code());
        assertTrue(i.out().contains("Usage: import") && i.out().contains("--out=model.json"), i.out());
        Result e = run(new ExportOnnxCommand(), "--help");
        assertEquals(0, e.code());
        assertTrue(e.out().contains("Usage: export-onnx") && e.out().contains("opset 13"), e.out());
    }
}
