package io.systole.arith;

/**
 * Requantization of an int8 layer's accumulator to int8, in the two modes of
 * {@link Int8Format.RequantMode}, and the fixed-point helpers they are made of (gemmlowp and
 * TFLite conventions).
 *
 * <p>Every value here is an int32; every intermediate is exact unless the method says how it
 * rounds. C mirror: products are formed in int64, shifts of negative values are arithmetic.
 */
public final class Requant {
    /** Smallest int8 value. */
    public static final int QMIN = -128;
    /** Largest int8 value. */
    public static final int QMAX = 127;

    private Requant() {
    }

    /**
     * gemmlowp's SaturatingRoundingDoublingHighMul: {@code a * b / 2^31} rounded to nearest; the
     * exact product plus a nudge of {@code 2^30} (product &gt;= 0) or {@code 1 - 2^30} (product &lt; 0)
     * is divided by {@code 2^31} truncating toward zero, which rounds ties toward plus infinity.
     * The one overflowing case, {@code a == b == Integer.MIN_VALUE}, gives {@code Integer.MAX_VALUE}.
     */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1L - (1L << 30);
        return (int) ((ab + nudge) / (1L << 31)); // long division truncates toward zero, as in C
    }

    /**
     * gemmlowp's RoundingDivideByPOT: {@code x / 2^exponent} rounded to nearest, ties away from
     * zero.
     *
     * @param exponent 0..31
     */
    public static int roundingDivideByPOT(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /**
     * TFLite's MultiplyByQuantizedMultiplier: {@code x * multiplier * 2^(shift - 31)} as
     * {@code roundingDivideByPOT(srdhm(x * 2^max(shift, 0), multiplier), max(-shift, 0))}. The left
     * shift keeps the low 32 bits (C mirror: shift as uint32_t).
     *
     * @param shift -31..31; positive is a left shift, negative a right shift
     */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x << leftShift, multiplier), rightShift);
    }

    /**
     * TFLite's QuantizeMultiplier: {@code real = q * 2^shift} with q in [0.5, 1) (frexp), then
     * {@code multiplier = round(q * 2^31)} (ties away from zero); a multiplier of {@code 2^31}
     * becomes {@code 2^30} with {@code shift + 1}. Multipliers below about {@code 2^-32} (shift
     * below -31) flush to {@link QuantizedMultiplier#ZERO}, as in TFLite.
     *
     * @param real at least 0 and below {@code 2^31}
     * @throws IllegalArgumentException if {@code real} is negative, NaN or too large
     */
    public static QuantizedMultiplier quantizeMultiplier(double real) {
        if (!(real >= 0) || real >= 0x1p31) {
            throw new IllegalArgumentException("real multiplier " + real + " is out of range: expected 0 <= m < 2^31");
        }
        if (real == 0) {
            return QuantizedMultiplier.ZERO;
        }
        int shift = Math.getExponent(real) + 1; // real = q * 2^shift, q in [0.5, 1)
        if (shift < -32) {
            return QuantizedMultiplier.ZERO;
        }
        double q = Math.scalb(real, -shift);
        long qFixed = Math.round(q * 0x1p31); // q > 0: ties away from zero
        if (qFixed == 1L << 31) {
            qFixed >>= 1;
            shift++;
        }
        if (shift < -31) {
            return QuantizedMultiplier.ZERO;
        }
        if (shift > 31) {
            throw new IllegalArgumentException("real multiplier " + real + " rounds to 2^31: expected 0 <= m < 2^31");
        }
        return new QuantizedMultiplier((int) qFixed, shift);
    }

    /**
     * The real multiplier of an output channel for {@link Int8Format.RequantMode#MULTIPLIER_SHIFT},
     * computed in double as TFLite does: {@code (double) inScale * weightScale / outScale}.
     */
    public static double realMultiplier(float inScale, float weightScale, float outScale) {
        return (double) inScale * (double) weightScale / (double) outScale;
    }

    /**
     * The scale of an output channel for {@link Int8Format.RequantMode#FLOAT_SCALE}, computed in
     * float32 as ONNX Runtime does: {@code inScale * weightScale / outScale}, left to right.
     */
    public static float floatScale(float inScale, float weightScale, float outScale) {
        return inScale * weightScale / outScale;
    }

    /**
     * {@link Int8Format.RequantMode#MULTIPLIER_SHIFT}:
     * {@code clamp(multiplyByQuantizedMultiplier(acc, m) + zeroPointOut, qmin, qmax)}; the addition
     * is exact (no int32 wrap).
     *
     * @param acc accumulator with the bias already added
     * @param qmin lower clamp, e.g. from {@link #activationMin}; {@code qmin <= qmax}, both int8
     */
    public static byte requantize(int acc, QuantizedMultiplier m, int zeroPointOut, int qmin, int qmax) {
        long v = (long) multiplyByQuantizedMultiplier(acc, m.multiplier(), m.shift()) + zeroPointOut;
        return (byte) Math.clamp(v, qmin, qmax);
    }

    /**
     * {@link Int8Format.RequantMode#FLOAT_SCALE}: {@code (float) acc * scale} in float32 (both
     * the conversion and the product round to nearest even), then {@link #roundToInt8}.
     *
     * @param acc   accumulator with the bias already added
     * @param scale from {@link #floatScale}, finite
     */
    public static byte requantizeFloat(int acc, float scale, int zeroPointOut, int qmin, int qmax) {
        return roundToInt8((float) acc * scale, zeroPointOut, qmin, qmax);
    }

    /**
     * A float32 value in output units to int8, as ONNX Runtime's requantization and
     * QuantizeLinear do: clamp to {@code [qmin - zeroPoint, qmax - zeroPoint]} in float, round half
     * to even, add {@code zeroPoint}. Clamping before rounding gives the same result as after,
     * because both bounds are integers, and keeps the float-to-int conversion in range.
     *
     * @param v not NaN; infinities clamp
     */
    public static byte roundToInt8(float v, int zeroPoint, int qmin, int qmax) {
        float lo = qmin - zeroPoint;
        float hi = qmax - zeroPoint;
        float c = v < lo ? lo : (v > hi ? hi : v);
        return (byte) ((int) Math.rint(c) + zeroPoint);
    }

    /**
     * Lower clamp of an int8 output: {@code max(QMIN, zeroPointOut)} when a ReLU is folded into
     * the requantization (the real value 0 is {@code zeroPointOut}), else {@link #QMIN}. The upper
     * clamp is always {@link #QMAX}.
     */
    public static int activationMin(int zeroPointOut, boolean relu) {
        return relu ? Math.max(QMIN, zeroPointOut) : QMIN;
    }
}
