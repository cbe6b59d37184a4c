package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Choosing int8 parameters and converting single values. */
class Int8QuantTest {

    @Test
    void asymmetricParamsIncludeZero() {
        QuantParams p = Int8Quant.chooseParams(-1f, 3f);
        assertEquals((float) (4.0 / 255), p.scale());
        assertEquals(-64, p.zeroPoint()); // rint(-128 + 63.75)
        assertEquals(new QuantParams((float) (2.0 / 255), -128), Int8Quant.chooseParams(0.5f, 2f));
        assertEquals(new QuantParams((float) (2.0 / 255), 127), Int8Quant.chooseParams(-2f, -1f));
        assertEquals(new QuantParams(1f, 0), Int8Quant.chooseParams(0f, 0f));
        for (float[] r : new float[][] {{-1f, 3f}, {0.5f, 2f}, {-2f, -1f}, {-0.37f, 12.9f}}) {
            QuantParams q = Int8Quant.chooseParams(r[0], r[1]);
            assertEquals(q.zeroPoint(), Int8Quant.quantize(0f, q.scale(), q.zeroPoint()));
            assertEquals(0f, Int8Quant.dequantize(q.zeroPoint(), q.scale(), q.zeroPoint()));
        }
    }

    @Test
    void badRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Int8Quant.chooseParams(2f, 1f));
        assertThrows(IllegalArgumentException.class, () -> Int8Quant.chooseParams(Float.NaN, 1f));
        assertThrows(IllegalArgumentException.class, () -> Int8Quant.chooseParams(0f, Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new QuantParams(0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new QuantParams(1f, 128));
    }

    @Test
    void quantizeRoundsHalfToEvenAndSaturates() {
        assertEquals(2, Int8Quant.quantize(2.5f, 1f, 0));
        assertEquals(4, Int8Quant.quantize(3.5f, 1f, 0));
        assertEquals(-2, Int8Quant.quantize(-2.5f, 1f, 0));
        assertEquals(-4, Int8Quant.quantize(-3.5f, 1f, 0));
        assertEquals(12, Int8Quant.quantize(2.5f, 1f, 10));
        assertEquals(127, Int8Quant.quantize(200f, 1f, 0));
        assertEquals(-128, Int8Quant.quantize(-200f, 1f, 0));
        assertEquals(-128, Int8Quant.quantize(Float.NEGATIVE_INFINITY, 1f, 0));
        assertThrows(IllegalArgumentException.class, () -> Int8Quant.quantize(Float.NaN, 1f, 0));
    }

    @Test
    void weightsAreSymmetric() {
        assertEquals(-127, Int8Quant.quantizeWeight(-200f, 1f));
        assertEquals(126, Int8Quant.quantizeWeight(126.5f, 1f));
        assertEquals(127, Int8Quant.quantizeWeight(127.5f, 1f));
        float[] w = {9f, 0.5f, -2.54f, 1f, 0f, 0f};
        assertEquals(2.54f / 127, Int8Quant.symmetricScale(w, 1, 3));
        assertEquals(1f, Int8Quant.symmetricScale(w, 4, 2));
        float s = Int8Quant.symmetricScale(w, 1, 3);
        assertEquals(-127, Int8Quant.quantizeWeight(-2.54f, s));
        assertThrows(IllegalArgumentException.class, () -> Int8Quant.symmetricScale(-1f));
    }

    @Test
    void biasIsInt32InProductUnits() {
        assertEquals(8, Int8Quant.quantizeBias(1.0f, 0.5f, 0.25f));
        assertEquals(-2, Int8Quant.quantizeBias(-0.3125f, 0.5f, 0.25f)); // -2.5 to even
        assertEquals(Integer.MAX_VALUE, Int8Quant.quantizeBias(1e30f, 0.5f, 0.25f));
        assertEquals(Integer.MIN_VALUE, Int8Quant.quantizeBias(-1e30f, 0.5f, 0.25f));
        assertThrows(IllegalArgumentException.class, () -> Int8Quant.quantizeBias(Float.NaN, 1f, 1f));
    }

    @Test
    void everyInt8ValueRoundTrips() {
        QuantParams p = Int8Quant.chooseParams(-0.37f, 12.9f);
        for (int q = -128; q <= 127; q++) {
            float real = Int8Quant.dequantize(q, p.scale(), p.zeroPoint());
            assertEquals(q, Int8Quant.quantize(real, p.scale(), p.zeroPoint()), "q=" + q);
        }
    }
}
