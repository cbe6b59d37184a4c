package io.systole.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.model.ModelException;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Operands;
import io.systole.tensor.Npz;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantized networks survive a save and a load exactly, and bad files are named precisely. */
class QuantizedModelFileTest {
    @TempDir
    Path dir;

    static QuantizedNetwork int8(String zoo, String format, Calibration.Method method) {
        Network net = QuantTesting.withBiases(Zoo.get(zoo), 4);
        Calibration cal = Calibration.run(net, QuantTesting.input(net, 5, -0.5, 1, 8), method, 99.5, (d, t) -> { });
        return Quantizer.int8(net, Int8Format.parse(format), cal).network();
    }

    static void assertSameNetwork(QuantizedNetwork a, QuantizedNetwork b) {
        assertEquals(ModelFile.toJson(a.network()), ModelFile.toJson(b.network()));
        Map<String, Tensor> pa = ModelFile.parameters(a.network());
        Map<String, Tensor> pb = ModelFile.parameters(b.network());
        assertEquals(pa, pb);
        assertEquals(a.format(), b.format());
        assertEquals(a.activations(), b.activations());
        assertEquals(a.weightScales().keySet(), b.weightScales().keySet());
        a.weightScales().forEach((k, v) -> assertArrayEquals(v, b.weightScales().get(k), k));
        assertEquals(a.calibration() == null, b.calibration() == null);
        if (a.calibration() != null) {
            assertEquals(a.calibration().ranges(), b.calibration().ranges());
            assertEquals(a.calibration().method(), b.calibration().method());
            assertEquals(a.calibration().percentile(), b.calibration().percentile());
            assertEquals(a.calibration().samples(), b.calibration().samples());
        }
        assertEquals(a.ops().size(), b.ops().size());
        for (int i = 0; i < a.ops().size(); i++) {
            QuantizedNetwork.ArrayOp x = a.ops().get(i);
            QuantizedNetwork.ArrayOp y = b.ops().get(i);
            assertEquals(x.node(), y.node());
            assertEquals(x.format(), y.format());
            assertEquals(x.foldedRelu(), y.foldedRelu());
            switch (x.operands()) {
                case Operands.Int8Layer p -> {
                    Operands.Int8Layer q = (Operands.Int8Layer) y.operands();
                    assertArrayEquals(p.weight(), q.weight());
                    assertArrayEquals(p.bias(), q.bias());
                    assertArrayEquals(p.multipliers(), q.multipliers());
                    assertArrayEquals(p.scales(), q.scales());
                    assertEquals(p.inputZeroPoint(), q.inputZeroPoint());
                    assertEquals(p.outputZeroPoint(), q.outputZeroPoint());
                    assertEquals(p.relu(), q.relu());
                }
                case Operands.FixedLayer p -> {
                    Operands.FixedLayer q = (Operands.FixedLayer) y.operands();
                    assertArrayEquals(p.weight(), q.weight());
                    assertArrayEquals(p.bias(), q.bias());
                    assertEquals(p.relu(), q.relu());
                }
                case Operands.F32Layer p -> throw new AssertionError("float operands");
            }
        }
    }

    private QuantizedNetwork roundTrip(QuantizedNetwork q, String name) throws IOException {
        Path f = dir.resolve(name + ".json");
        QuantizedModelFile.save(q, f);
        assertTrue(QuantizedModelFile.isQuantized(f));
        QuantizedNetwork back = QuantizedModelFile.load(f);
        assertSameNetwork(q, back);
        Path again = dir.resolve(name + "-again.json");
        QuantizedModelFile.save(back, again);
        assertEquals(Files.readString(f).replace(name + ".npz", "X"), Files.readString(again)
                .replace(name + "-again.npz", "X"));
        Tensor x = QuantTesting.input(q.network(), 2, 0, 1, 3);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(q.format()).withSize(5, 3);
        QuantTesting.assertSameTensors(name, IntegerReference.forwardAll(q, cfg, x),
                IntegerReference.forwardAll(back, cfg, x));
        return back;
    }

    @Test
    void int8RoundTripsExactly() throws IOException {
        roundTrip(int8("lenet5-28", "int8", Calibration.Method.MINMAX), "lenet");
        roundTrip(int8("tiny", "int8<20,SATURATE,FLOAT_SCALE>", Calibration.Method.PERCENTILE), "tiny");
        QuantizedNetwork tied = roundTrip(int8("tied-mlp", "int8", Calibration.Method.MINMAX), "tied");
        // one layer at three nodes: one weight array, three sets of per-node operands
        byte[] w = ((Operands.Int8Layer) tied.op("hidden").operands()).weight();
        assertSame(w, ((Operands.Int8Layer) tied.op("hidden#3").operands()).weight());
    }

    @Test
    void fixedRoundTripsExactlyWithPerLayerFormatsAndWideBiases() throws IOException {
        Network net = QuantTesting.withBiases(Zoo.get("lenet5-28"), 6);
        ((io.systole.model.Dense) net.node("fc1").layer()).bias().data()[3] = 3.0e5f; // beyond 32 raw bits
        Calibration cal = Calibration.minMax(net, QuantTesting.input(net, 3, 0, 1, 1));
        Quantizer.Result r = Quantizer.fixed(net, FixedFormat.parse("fixed<16,6,RND,SAT>"),
                Map.of("conv2", FixedFormat.parse("fixed<12,3,RND_INF,SAT_SYM>")), cal);
        assertTrue(r.warnings().contains("tensor 'fc1': calibrated range [-3.815837, 299996.9] exceeds"
                + " fixed<16,6,RND,SAT> [-32.0, 31.9990234375]"), r.warnings().toString());
        long bias = ((Operands.FixedLayer) r.network().op("fc1").operands()).bias()[3];
        assertTrue(bias > Integer.MAX_VALUE, Long.toString(bias));
        roundTrip(r.network(), "fixed");
        roundTrip(Quantizer.fixed(net, FixedFormat.parse("fixed<8,3>"), Map.of(), null).network(), "nocal");
    }

    @Test
    void badFilesAreNamedPrecisely() throws IOException {
        QuantizedNetwork q = int8("lenet5-28", "int8", Calibration.Method.MINMAX);
        Path f = dir.resolve("q.json");
        QuantizedModelFile.save(q, f);
        Path npz = dir.resolve("q.npz");

        Map<String, Tensor> arrays = new LinkedHashMap<>(Npz.read(npz));
        arrays.remove("node/conv2/multiplier");
        Npz.write(npz, arrays);
        ModelException e = assertThrows(ModelException.class, () -> QuantizedModelFile.load(f));
        assertTrue(e.getMessage().contains("q.npz: array 'node/conv2/multiplier' is missing"), e.getMessage());

        arrays.put("node/conv2/multiplier", Tensor.of(new int[3], 3));
        Npz.write(npz, arrays);
        e = assertThrows(ModelException.class, () -> QuantizedModelFile.load(f));
        assertTrue(e.getMessage().contains("array 'node/conv2/multiplier' is I32 [3], expected I32 [16]"),
                e.getMessage());

        QuantizedModelFile.save(q, f);
        Files.writeString(f, Files.readString(f).replace("\"zero_point\" : -128", "\"zero_point\" : -1289"));
        e = assertThrows(ModelException.class, () -> QuantizedModelFile.load(f));
        assertTrue(e.getMessage().contains("q.json: tensor 'conv1': zero point -1289 is out of range"), e.getMessage());

        Path plain = dir.resolve("float.json");
        ModelFile.save(q.network(), plain);
        assertFalse(QuantizedModelFile.isQuantized(plain));
        e = assertThrows(ModelException.class, () -> QuantizedModelFile.load(plain));
        assertTrue(e.getMessage().contains("a float model: quantize it"), e.getMessage());
    }
}
