package io.systole.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.Int8Quant;
import io.systole.arith.QuantParams;
import io.systole.arith.Requant;
import io.systole.model.Add;
import io.systole.model.Dense;
import io.systole.model.Network;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Calibrated ranges and the int8 parameters chosen from them, on data whose answers are known. */
class CalibrationTest {

    /** input (2) -> dense W = [[1, 0], [0, -2]], b = [0.25, 0] -> relu. */
    static Network handDense() {
        Dense d = Dense.builder().setName("fc").setInFeatures(2).setOutFeatures(2).build();
        System.arraycopy(new float[] {1, 0, 0, -2}, 0, d.weight().data(), 0, 4);
        System.arraycopy(new float[] {0.25f, 0}, 0, d.bias().data(), 0, 2);
        return Network.builder("hand", Shape.flat(2)).add(d).add(new ReLU("relu")).build();
    }

    @Test
    void minMaxRangesAndInt8ParametersOfAKnownBatch() {
        Network net = handDense();
        // samples (1, 2) and (-1, 0.25): fc gives (1.25, -4) and (-0.75, -0.5); relu (1.25, 0) and (0, 0)
        Tensor x = Tensor.of(new float[] {1, 2, -1, 0.25f}, 2, 2);
        Calibration cal = Calibration.minMax(net, x);
        assertEquals(new Calibration.Range(-1, 2), cal.range(Network.INPUT));
        assertEquals(new Calibration.Range(-4, 1.25f), cal.range("fc"));
        assertEquals(new Calibration.Range(0, 1.25f), cal.range("relu"));

        QuantizedNetwork q = Quantizer.int8(net, Int8Format.DEFAULT, cal).network();
        // input [-1, 2]: scale 3/255, zero point rint(-128 + 1 / (3/255)) = -128 + 85 = -43
        assertEquals(new QuantParams(3f / 255f, -43), ((Activation.Int8) q.activation(Network.INPUT)).params());
        // fc folds relu, so it takes relu's range [0, 1.25]: scale 1.25/255, zero point -128
        assertEquals(new QuantParams(1.25f / 255f, -128), ((Activation.Int8) q.activation("fc")).params());
        assertEquals(q.activation("fc"), q.activation("relu"));
        assertTrue(q.isFolded("relu"));
        // per-channel symmetric weight scales 1/127 and 2/127, weights +-127
        assertArrayEquals(new float[] {1f / 127, 2f / 127}, q.weightScales().get("fc"));
        Operands.Int8Layer op = (Operands.Int8Layer) q.op("fc").operands();
        assertArrayEquals(new byte[] {127, 0, 0, -127}, op.weight());
        // bias 0.25 / (3/255 * 1/127) = 2698.75 -> 2699; 0 -> 0
        assertArrayEquals(new int[] {2699, 0}, op.bias());
        assertEquals(-43, op.inputZeroPoint());
        assertEquals(-128, op.outputZeroPoint());
        assertTrue(op.relu());
        assertEquals(Requant.quantizeMultiplier(Requant.realMultiplier(3f / 255f, 1f / 127, 1.25f / 255f)),
                op.multipliers()[0]);
        assertNull(op.scales());

        QuantizedNetwork fs = Quantizer.int8(net, Int8Format.parse("int8<32,WRAP,FLOAT_SCALE>"), cal).network();
        Operands.Int8Layer fop = (Operands.Int8Layer) fs.op("fc").operands();
        assertNull(fop.multipliers());
        assertEquals(Requant.floatScale(3f / 255f, 2f / 127, 1.25f / 255f), fop.scales()[1]);
        assertEquals(Int8Quant.quantizeBias(0.25f, 3f / 255f, 1f / 127), fop.bias()[0]);
    }

    @Test
    void fittedIntegerBitsHoldTheLargestMagnitudeALayerSees() {
        Network net = handDense();
        Calibration cal = Calibration.minMax(net, Tensor.of(new float[] {1, 2, -1, 0.25f}, 2, 2));
        // fc sees input [-1, 2], weights up to |-2| and its output [-4, 1.25]: 4 needs I = 4, since
        // fixed<8,3> ends at 4 - 2^-5
        assertEquals(Map.of("fc", FixedFormat.parse("fixed<8,4,RND,SAT>")),
                Quantizer.fitIntegerBits(net, FixedFormat.parse("fixed<8,1,RND,SAT>"), cal));
        assertEquals(Map.of("fc", FixedFormat.parse("fixed<16,4,TRN,WRAP>")),
                Quantizer.fitIntegerBits(net, FixedFormat.parse("fixed<16,9>"), cal));
        // a layer seeing only magnitudes below 1/8 gets fraction bits above its width: fixed<8,-2>
        Network tiny = handDense();
        for (io.systole.model.Parameter p : tiny.parameters()) {
            for (int i = 0; i < p.size(); i++) {
                p.data()[i] /= 64;
            }
        }
        Calibration small = Calibration.minMax(tiny, Tensor.of(new float[] {0.1f, 0.05f, -0.1f, 0}, 2, 2));
        assertEquals(Map.of("fc", FixedFormat.parse("fixed<8,-2,RND,SAT>")),
                Quantizer.fitIntegerBits(tiny, FixedFormat.parse("fixed<8,1,RND,SAT>"), small));
    }

    @Test
    void percentileClipsBothTailsByNearestRank() {
        Network net = Network.builder("p", Shape.flat(10)).add(new ReLU("relu")).build();
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1; // 1 .. 1000
        }
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = v.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        Tensor x = Tensor.of(v, 100, 10); // 100 samples, two chunks of the float pass
        Calibration p99 = Calibration.run(net, x, Calibration.Method.PERCENTILE, 99, (d, t) -> { });
        assertEquals(new Calibration.Range(11, 990), p99.range(Network.INPUT)); // k = 990: [v[10], v[989]]
        // k = ceil(99.9 * 1000 / 100) = 999 exactly (in doubles 99.9 * 1000 / 100 is above 999)
        assertEquals(new Calibration.Range(2, 999),
                Calibration.run(net, x, Calibration.Method.PERCENTILE, 99.9, (d, t) -> { }).range("relu"));
        assertEquals(new Calibration.Range(1, 1000),
                Calibration.run(net, x, Calibration.Method.PERCENTILE, 100, (d, t) -> { }).range("relu"));
        assertEquals(Calibration.minMax(net, x).ranges(),
                Calibration.run(net, x, Calibration.Method.PERCENTILE, 99.95, (d, t) -> { }).ranges());
        assertThrows(IllegalArgumentException.class,
                () -> Calibration.run(net, x, Calibration.Method.PERCENTILE, 50, (d, t) -> { }));
    }

    @Test
    void refusesWhatAQuantizedNetworkCannotHold() {
        Network add = Network.builder("sum", Shape.flat(3)).add(new ReLU("a")).add(new ReLU("b"))
                .add(new Add("plus"), "a", "b").build();
        Calibration cal = Calibration.minMax(add, Tensor.of(new float[] {1, 2, 3}, 1, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.int8(add, Int8Format.DEFAULT, cal));
        assertTrue(e.getMessage().contains("node 'plus': add is not supported"), e.getMessage());

        Network mid = Network.builder("mid", Shape.flat(3)).add(new Softmax("soft")).add(new ReLU("r")).build();
        e = assertThrows(IllegalArgumentException.class, () -> Quantizer.int8(mid, Int8Format.DEFAULT,
                Calibration.minMax(mid, Tensor.of(new float[] {1, 2, 3}, 1, 3))));
        assertTrue(e.getMessage().contains("node 'soft': softmax runs in float"), e.getMessage());
    }
}
