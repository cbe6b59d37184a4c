package io.systole.arith;

/**
 * Pooling arithmetic. A window is visited in order (kernel row, then kernel column); a padded
 * position contributes the format's zero: {@code 0.0f} for float32, the input zero point for
 * int8, raw 0 for fixed point. Average pooling divides by the full window size, padded positions
 * included. The window helpers take the window's values already gathered in that order.
 *
 * <ul>
 *   <li>max: exact. float32 keeps the running maximum {@code m} and replaces it only when
 *       {@code v > m} ({@link #maxF32(float, float)}), so the first of equal values (and of +0.0 and
 *       -0.0) wins and a NaN never enters after the first element; int8 and fixed compare raw
 *       values ({@link Math#max}).</li>
 *   <li>average, float32: plain float adds in window order from {@code 0.0f}, then one IEEE
 *       division by the count.</li>
 *   <li>average, int8: the int sum of the int8 values, then a division rounding to nearest with
 *       ties away from zero ({@link #divideInt8}). Input and output share scale and zero point,
 *       so the zero point is not subtracted (as in TFLite).</li>
 *   <li>average, fixed: the sum in a sum (accumulator) format, each value entering with
 *       {@link FixedMac#accumulate}, then one division by the count rounded by the output
 *       format's rounding mode and its overflow mode ({@link #divideFixed}).</li>
 * </ul>
 */
public final class Pooling {
    private Pooling() {
    }

    /** One max step on float32: {@code v > m ? v : m}. */
    public static float maxF32(float m, float v) {
        return v > m ? v : m;
    }

    /** Max of {@code v[off..off+n)} in order with {@link #maxF32(float, float)}, starting at {@code v[off]}. */
    public static float maxF32(float[] v, int off, int n) {
        requireCount(n);
        float m = v[off];
        for (int i = off + 1; i < off + n; i++) {
            m = maxF32(m, v[i]);
        }
        return m;
    }

    /** Max of the int8 values {@code v[off..off+n)}. */
    public static byte maxInt8(byte[] v, int off, int n) {
        requireCount(n);
        byte m = v[off];
        for (int i = off + 1; i < off + n; i++) {
            m = (byte) Math.max(m, v[i]);
        }
        return m;
    }

    /** Max of the raw fixed-point values {@code v[off..off+n)} (all of one format). */
    public static long maxFixed(long[] v, int off, int n) {
        requireCount(n);
        long m = v[off];
        for (int i = off + 1; i < off + n; i++) {
            m = Math.max(m, v[i]);
        }
        return m;
    }

    /** The float32 average's division: {@code sum / count}, IEEE float division. */
    public static float divideF32(float sum, int count) {
        requireCount(count);
        return sum / count;
    }

    /** Average of {@code v[off..off+n)}: plain float adds in order from {@code 0.0f}, then {@link #divideF32}. */
    public static float avgF32(float[] v, int off, int n) {
        float sum = 0.0f;
        for (int i = off; i < off + n; i++) {
            sum = sum + v[i];
        }
        return divideF32(sum, n);
    }

    /**
     * The int8 average's division, TFLite's: {@code sum > 0 ? (sum + count/2) / count
     * : (sum - count/2) / count} with division truncating toward zero, which is {@code sum / count}
     * rounded to nearest, ties away from zero.
     *
     * @param sum   sum of at most {@code 2^24} int8 values
     * @param count window size, at least 1
     */
    public static int divideInt8(int sum, int count) {
        requireCount(count);
        int half = count / 2;
        return sum > 0 ? (sum + half) / count : (sum - half) / count;
    }

    /** Average of the int8 values {@code v[off..off+n)}: int sum in order, then {@link #divideInt8}. */
    public static byte avgInt8(byte[] v, int off, int n) {
        int sum = 0;
        for (int i = off; i < off + n; i++) {
            sum += v[i];
        }
        return (byte) divideInt8(sum, n);
    }

    /**
     * The fixed-point average's division: the exact quotient {@code sum * 2^-Fs / count}
     * converted into {@code outFmt} with one rounding by its mode
     * ({@link Rounding#divide}{@code (sum, count, Fs - Fo)}), then its overflow mode.
     *
     * @param sum     raw sum in {@code sumFmt}
     * @param count   window size, at least 1
     * @param counter counts the overflow, or {@code null}
     * @throws IllegalArgumentException if {@code outFmt} has more fraction bits than {@code sumFmt}
     */
    public static long divideFixed(long sum, int count, FixedFormat sumFmt, FixedFormat outFmt,
                                   OverflowCounter counter) {
        requireCount(count);
        int drop = sumFmt.fracBits() - outFmt.fracBits();
        if (drop < 0) {
            throw new IllegalArgumentException("average pooling from " + sumFmt + " into " + outFmt
                    + ": expected the output to have at most the sum's " + sumFmt.fracBits() + " fraction bits");
        }
        return outFmt.fit(outFmt.rounding().divide(sum, count, drop), counter);
    }

    /**
     * Average of the raw values {@code v[off..off+n)} of {@code inFmt}: each enters the sum with
     * {@link FixedMac#accumulate} into {@code sumFmt}, in order from 0, then {@link #divideFixed}.
     */
    public static long avgFixed(long[] v, int off, int n, FixedFormat inFmt, FixedFormat sumFmt,
                                FixedFormat outFmt, OverflowCounter counter) {
        long sum = 0;
        for (int i = off; i < off + n; i++) {
            sum = FixedMac.accumulate(sum, v[i], inFmt.fracBits(), sumFmt, counter);
        }
        return divideFixed(sum, n, sumFmt, outFmt, counter);
    }

    private static void requireCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("pooling window of " + count + " values: expected at least 1");
        }
    }
}
