package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** gemmlowp and TFLite requantization helpers, against hand-computed values and a BigDecimal model. */
class RequantTest {
    private static final int MIN = Integer.MIN_VALUE;
    private static final int MAX = Integer.MAX_VALUE;
    private static final BigDecimal TWO_31 = new BigDecimal(BigInteger.ONE.shiftLeft(31));

    /** a * b / 2^31 rounded to nearest, ties toward +infinity (what the nudge and truncation give). */
    private static int srdhmModel(int a, int b) {
        BigDecimal v = new BigDecimal(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))).divide(TWO_31);
        BigInteger r = v.add(Model.HALF).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        return r.min(BigInteger.valueOf(MAX)).intValueExact();
    }

    /** x / 2^e rounded to nearest, ties away from zero. */
    private static int rdbpModel(int x, int e) {
        return Model.scalb(BigDecimal.valueOf(x), -e).setScale(0, RoundingMode.HALF_UP).intValueExact();
    }

    @Test
    void srdhmEdgeCases() {
        assertEquals(MAX, Requant.saturatingRoundingDoublingHighMul(MIN, MIN));
        assertEquals(-MAX, Requant.saturatingRoundingDoublingHighMul(MIN, MAX));
        assertEquals(MAX - 1, Requant.saturatingRoundingDoublingHighMul(MAX, MAX)); // (2^31-1)^2 / 2^31 = 2^31 - 2 + 2^-31
        assertEquals(1, Requant.saturatingRoundingDoublingHighMul(1, 1 << 30)); // 0.5 -> 1
        assertEquals(0, Requant.saturatingRoundingDoublingHighMul(-1, 1 << 30)); // -0.5 -> 0
        assertEquals(2, Requant.saturatingRoundingDoublingHighMul(3, 1 << 30)); // 1.5 -> 2
        assertEquals(-1, Requant.saturatingRoundingDoublingHighMul(-3, 1 << 30)); // -1.5 -> -1
        assertEquals(-2, Requant.saturatingRoundingDoublingHighMul(-3, (1 << 30) + 1)); // just below -1.5
        assertEquals(0, Requant.saturatingRoundingDoublingHighMul(12345, 0));
    }

    @Test
    void srdhmMatchesModel() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n = 0; n < 20000; n++) {
            int a = rnd.nextInt() >> rnd.nextInt(32);
            int b = n % 3 == 0 ? rnd.nextInt(1 << 30, MAX) : rnd.nextInt();
            assertEquals(srdhmModel(a, b), Requant.saturatingRoundingDoublingHighMul(a, b), "srdhm(" + a + ", " + b + ")");
        }
    }

    @ParameterizedTest(name = "roundingDivideByPOT({0}, {1}) = {2}")
    @CsvSource({
        "5, 1, 3", "-5, 1, -3", "3, 1, 2", "-3, 1, -2", "-4, 1, -2", "-1, 1, -1", "1, 1, 1",
        "-6, 2, -2", "-2, 2, -1", "-1, 2, 0", "6, 2, 2", "7, 0, 7", "-7, 0, -7",
        "-2147483648, 31, -1", "2147483647, 31, 1", "1073741824, 31, 1", "1073741823, 31, 0", "-1073741824, 31, -1",
    })
    void roundingDivideByPOTHalvesGoAwayFromZero(int x, int e, int expected) {
        assertEquals(expected, Requant.roundingDivideByPOT(x, e));
    }

    @Test
    void roundingDivideByPOTMatchesModel() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n = 0; n < 20000; n++) {
            int x = rnd.nextInt() >> rnd.nextInt(32);
            int e = rnd.nextInt(32);
            assertEquals(rdbpModel(x, e), Requant.roundingDivideByPOT(x, e), "rdbp(" + x + ", " + e + ")");
        }
    }

    @Test
    void multiplyByQuantizedMultiplierMatchesModel() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n = 0; n < 20000; n++) {
            int x = rnd.nextInt() >> rnd.nextInt(32);
            int m = rnd.nextInt(1 << 30, MAX);
            int shift = rnd.nextInt(-31, 9);
            int left = Math.max(shift, 0);
            int shifted = BigInteger.valueOf(x).shiftLeft(left).intValue(); // low 32 bits
            int expected = rdbpModel(srdhmModel(shifted, m), Math.max(-shift, 0));
            assertEquals(expected, Requant.multiplyByQuantizedMultiplier(x, m, shift),
                    "mbqm(" + x + ", " + m + ", " + shift + ")");
        }
        assertEquals(300, Requant.multiplyByQuantizedMultiplier(100, 3 << 29, 2)); // 100 * 3.0
    }

    @Test
    void quantizeMultiplierHandCases() {
        assertEquals(QuantizedMultiplier.ZERO, Requant.quantizeMultiplier(0.0));
        assertEquals(new QuantizedMultiplier(1 << 30, 1), Requant.quantizeMultiplier(1.0));
        assertEquals(new QuantizedMultiplier(1 << 30, 0), Requant.quantizeMultiplier(0.5));
        assertEquals(new QuantizedMultiplier(3 << 29, 0), Requant.quantizeMultiplier(0.75));
        assertEquals(new QuantizedMultiplier(3 << 29, 2), Requant.quantizeMultiplier(3.0));
        assertEquals(new QuantizedMultiplier(1 << 30, 1), Requant.quantizeMultiplier(1 - 0x1p-40)); // rounds up to 2^31
        assertEquals(new QuantizedMultiplier(1 << 30, -30), Requant.quantizeMultiplier(0x1p-31));
        assertEquals(new QuantizedMultiplier(1 << 30, -31), Requant.quantizeMultiplier(0x1p-32));
        assertEquals(QuantizedMultiplier.ZERO, Requant.quantizeMultiplier(0x1p-33)); // flushed, as TFLite does
        assertEquals(QuantizedMultiplier.ZERO, Requant.quantizeMultiplier(Double.MIN_VALUE));
        assertEquals(new QuantizedMultiplier(MAX, 31), Requant.quantizeMultiplier(0x1p31 - 1.0));
        for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY, 0x1p31, 0x1p31 - 0x1p-22}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Requant.quantizeMultiplier(bad));
            assertTrue(e.getMessage().contains("2^31"), e.getMessage());
        }
    }

    @Test
    void quantizeMultiplierRoundTripsWithin2ToTheMinus31() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int n = 0; n < 20000; n++) {
            double real = Math.scalb(rnd.nextDouble(0.5, 1.0), rnd.nextInt(-30, 31));
            QuantizedMultiplier q = Requant.quantizeMultiplier(real);
            assertTrue(q.multiplier() >= 1 << 30, q::toString);
            double error = Math.abs(q.real() - real) / real;
            assertTrue(error <= 0x1p-31, () -> real + " -> " + q + " relative error " + error);
        }
    }

    @Test
    void quantizedMultiplierIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new QuantizedMultiplier(1 << 29, 0));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedMultiplier(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedMultiplier(1 << 30, -32));
        assertEquals(0.5, new QuantizedMultiplier(1 << 30, 0).real());
    }

    @Test
    void requantizeBothModesAtHalves() {
        QuantizedMultiplier half = Requant.quantizeMultiplier(0.5);
        QuantizedMultiplier quarter = Requant.quantizeMultiplier(0.25);
        // 2.5: the integer path ties up (high multiply), the float path ties to even.
        assertEquals(3, Requant.requantize(5, half, 0, -128, 127));
        assertEquals(2, Requant.requantizeFloat(5, 0.5f, 0, -128, 127));
        assertEquals(-2, Requant.requantize(-5, half, 0, -128, 127));
        assertEquals(-2, Requant.requantizeFloat(-5, 0.5f, 0, -128, 127));
        // -1.5 and -0.5 after a right shift: away from zero in the integer path.
        assertEquals(-2, Requant.requantize(-6, quarter, 0, -128, 127));
        assertEquals(-2, Requant.requantizeFloat(-6, 0.25f, 0, -128, 127));
        assertEquals(-1, Requant.requantize(-2, quarter, 0, -128, 127));
        assertEquals(0, Requant.requantizeFloat(-2, 0.25f, 0, -128, 127));
    }

    @Test
    void requantizeAddsZeroPointAndClamps() {
        QuantizedMultiplier m = Requant.quantizeMultiplier(0.01);
        assertEquals(10, Requant.requantize(1000, m, 0, -128, 127));
        assertEquals(-10, Requant.requantize(-1000, m, 0, -128, 127));
        assertEquals(2, Requant.requantize(150, m, 0, -128, 127)); // 1.5 away from zero
        assertEquals(127, Requant.requantize(10000, m, 50, -128, 127));
        QuantizedMultiplier one = Requant.quantizeMultiplier(1.0); // 2^30 with a left shift of 1
        assertEquals(-128, Requant.requantize(-1000, one, 127, -128, 127));
        assertEquals(127, Requant.requantize(MAX >> 1, one, -128, -128, 127));
        assertEquals(127, Requant.requantize(MIN, one, 127, -128, 127)); // the left shift wraps: MIN * 2 = 0
        assertEquals(127, Requant.requantizeFloat(MAX, 3e38f, 0, -128, 127)); // product overflows to infinity
        assertEquals(-128, Requant.requantizeFloat(MIN, 3e38f, 0, -128, 127));
        int reluMin = Requant.activationMin(-20, true);
        assertEquals(-20, reluMin);
        assertEquals(-20, Requant.requantize(-500, m, -20, reluMin, Requant.QMAX));
        assertEquals(-20, Requant.requantizeFloat(-500, 0.01f, -20, reluMin, Requant.QMAX));
        assertEquals(-128, Requant.activationMin(-128, true));
        assertEquals(-128, Requant.activationMin(5, false));
    }

    @Test
    void scalesAreComputedInTheirDocumentedPrecision() {
        float in = 0.1f;
        float w = 0.003f;
        float out = 0.07f;
        assertEquals((double) in * (double) w / (double) out, Requant.realMultiplier(in, w, out));
        float f = in * w;
        assertEquals(f / out, Requant.floatScale(in, w, out));
    }
}
