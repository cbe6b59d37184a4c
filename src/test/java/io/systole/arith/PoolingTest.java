package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Max and average pooling in the three formats. */
class PoolingTest {

    @ParameterizedTest(name = "{0} / {1} = {2}")
    @CsvSource({"5, 2, 3", "-5, 2, -3", "3, 2, 2", "-3, 2, -2", "7, 3, 2", "-7, 3, -2", "-8, 3, -3",
        "1, 4, 0", "2, 4, 1", "-2, 4, -1", "0, 9, 0", "-1152, 9, -128"})
    void int8DivisionRoundsHalfAwayFromZero(int sum, int count, int expected) {
        assertEquals(expected, Pooling.divideInt8(sum, count));
    }

    @Test
    void int8DivisionMatchesModel() {
        SplittableRandom rnd = new SplittableRandom(51);
        for (int n = 0; n < 20000; n++) {
            int count = rnd.nextInt(1, 50);
            int sum = rnd.nextInt(-128 * count, 127 * count + 1);
            int expected = BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_UP).intValueExact();
            assertEquals(expected, Pooling.divideInt8(sum, count), sum + " / " + count);
            assertEquals(expected, Rounding.RND_INF.divide(sum, count, 0), "RND_INF is the same rounding");
        }
    }

    @Test
    void int8WindowsWithZeroPointPadding() {
        int zp = -128;
        byte[] window = {127, -128, (byte) zp, (byte) zp}; // two padded positions hold the zero point
        assertEquals(-64, Pooling.avgInt8(window, 0, 4)); // -257 / 4 = -64.25
        assertEquals(127, Pooling.maxInt8(window, 0, 4));
        assertEquals(-128, Pooling.avgInt8(new byte[] {-127, -128}, 0, 2)); // -127.5 away from zero
    }

    @Test
    void floatMaxKeepsTheFirstOfEqualValues() {
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(Pooling.maxF32(new float[] {-0.0f, 0.0f}, 0, 2)));
        assertEquals(Float.floatToRawIntBits(0.0f), Float.floatToRawIntBits(Pooling.maxF32(new float[] {0.0f, -0.0f}, 0, 2)));
        assertEquals(3f, Pooling.maxF32(new float[] {1f, Float.NaN, 3f, 2f}, 0, 4));
        assertEquals(Float.NaN, Pooling.maxF32(new float[] {Float.NaN, 3f}, 0, 2));
        assertEquals(2f, Pooling.maxF32(new float[] {9f, 1f, 2f}, 1, 2));
    }

    @Test
    void floatAverageSumsInOrderThenDividesOnce() {
        float[] v = {1e8f, 3f, -1e8f, 3f, 0f};
        float sum = 0f;
        for (float f : v) {
            sum += f;
        }
        assertEquals(sum / 5, Pooling.avgF32(v, 0, 5));
        assertEquals(0.6f, Pooling.avgF32(v, 0, 5)); // (1e8 + 3 loses the 3, then -1e8, +3, +0) / 5
        assertEquals(1f / 3, Pooling.avgF32(new float[] {0f, 1f, 0f, 0f}, 1, 3));
    }

    @ParameterizedTest
    @EnumSource(Rounding.class)
    void fixedDivisionMatchesModel(Rounding q) {
        SplittableRandom rnd = new SplittableRandom(52 + q.ordinal());
        FixedFormat sum = new FixedFormat(32, 22, Rounding.TRN, Overflow.WRAP); // F = 10
        for (Overflow o : Overflow.values()) {
            FixedFormat out = new FixedFormat(8, 3, q, o); // F = 5
            for (int n = 0; n < 500; n++) {
                int count = rnd.nextInt(1, 26);
                long s = rnd.nextLong(-(1L << 20), 1L << 20);
                Model.Counts want = new Model.Counts();
                BigInteger rounded = Model.round(BigInteger.valueOf(s), BigInteger.valueOf(count).shiftLeft(5), q);
                long expected = Model.overflow(rounded, 8, o, want);
                OverflowCounter got = new OverflowCounter();
                assertEquals(expected, Pooling.divideFixed(s, count, sum, out, got), out + ": " + s + " / " + count);
                assertEquals(want.overflows, got.overflows());
            }
        }
    }

    @ParameterizedTest(name = "{0}: avg(1, 0) = {1}, avg(-1, 0) = {2} (raw)")
    @CsvSource({"TRN, 0, -1", "TRN_ZERO, 0, 0", "RND, 1, 0", "RND_ZERO, 0, 0", "RND_INF, 1, -1",
        "RND_MIN_INF, 0, -1", "RND_CONV, 0, 0"})
    void fixedAverageOfAHalfUsesTheOutputRounding(Rounding q, long up, long down) {
        FixedFormat in = new FixedFormat(8, 3, q, Overflow.SAT);
        FixedFormat sum = FixedFormat.defaultAccumulator(in);
        assertEquals(up, Pooling.avgFixed(new long[] {1, 0}, 0, 2, in, sum, in, null));
        assertEquals(down, Pooling.avgFixed(new long[] {-1, 0}, 0, 2, in, sum, in, null));
        assertEquals(14, Pooling.avgFixed(new long[] {32, 16, 8, 0}, 0, 4, in, sum, in, null)); // 1.75 / 4
        assertEquals(32, Pooling.maxFixed(new long[] {-5, 32, 16}, 0, 3));
    }

    @Test
    void badWindowsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Pooling.avgF32(new float[0], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Pooling.divideInt8(5, 0));
        FixedFormat narrow = new FixedFormat(16, 12);
        FixedFormat fine = new FixedFormat(16, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pooling.divideFixed(5, 2, narrow, fine, null));
        assertEquals("average pooling from fixed<16,12,TRN,WRAP> into fixed<16,6,TRN,WRAP>: expected the output"
                + " to have at most the sum's 4 fraction bits", e.getMessage());
    }
}
