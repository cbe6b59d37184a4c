package io.systole.arith;

/**
 * float32 arithmetic with a defined order, so that float results are bit-exact across engines.
 * Each processing element does one fused multiply-add ({@link #mac}); fold results join the
 * accumulator with a plain float add ({@link #foldAdd}); the bias is added last
 * ({@link #addBias}). A layer without bias adds {@code +0.0f}. C mirror: {@code fmaf}, no
 * contraction of other expressions ({@code -ffp-contract=off}), round to nearest even.
 */
public final class Float32Order {
    private Float32Order() {
    }

    /** One PE step: {@code x * w + partial} with a single rounding ({@link Math#fma}). */
    public static float mac(float x, float w, float partial) {
        return Math.fma(x, w, partial);
    }

    /** Adds a fold's partial sum to the accumulator: {@code acc + foldSum}, one rounding. */
    public static float foldAdd(float acc, float foldSum) {
        return acc + foldSum;
    }

    /** Adds the bias after the whole reduction: {@code acc + bias}, one rounding. */
    public static float addBias(float acc, float bias) {
        return acc + bias;
    }

    /** ReLU: {@code v > 0 ? v : +0.0f} (so -0.0 and NaN give +0.0). */
    public static float relu(float v) {
        return v > 0.0f ? v : 0.0f;
    }

    /**
     * The weight-stationary order of an array with {@code rows} rows: the reduction of
     * {@code x[xOff..xOff+k)} and {@code w[wOff..wOff+k)} (reduction order: input channel, kernel
     * row, kernel column) is cut into folds of {@code rows}; each fold's partial sum starts at
     * {@code 0.0f} and takes {@link #mac} steps in order; partial sums are added with
     * {@link #foldAdd} to the accumulator, which starts at {@code 0.0f}, in fold order. Bias not
     * included. With {@code rows >= k} this is the output-stationary chain, passed once through
     * {@code 0.0f + p} (which only turns a -0.0 into +0.0); with {@code rows == 1} every product is
     * rounded on its own and the sum is a plain float sum in order.
     *
     * @param rows rows of the array, at least 1
     */
    public static float dotWs(float[] x, int xOff, float[] w, int wOff, int k, int rows) {
        Reduction.requireRows(rows);
        float acc = 0.0f;
        for (int start = 0; start < k; start += rows) {
            int end = Math.min(k, start + rows);
            float partial = 0.0f;
            for (int i = start; i < end; i++) {
                partial = mac(x[xOff + i], w[wOff + i], partial);
            }
            acc = foldAdd(acc, partial);
        }
        return acc;
    }

    /**
     * The output-stationary order: one PE accumulates all of {@code k} in order,
     * {@code acc = mac(x[i], w[i], acc)} from {@code acc = 0.0f}. Bias not included.
     */
    public static float dotOs(float[] x, int xOff, float[] w, int wOff, int k) {
        float acc = 0.0f;
        for (int i = 0; i < k; i++) {
            acc = mac(x[xOff + i], w[wOff + i], acc);
        }
        return acc;
    }
}
