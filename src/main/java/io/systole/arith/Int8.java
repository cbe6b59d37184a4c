package io.systole.arith;

/**
 * The int8 multiply-accumulate steps (format: {@link Int8Format}).
 *
 * <p>Order of one output (see the package description for the fold structure):
 * <ol>
 *   <li>{@link #product}: {@code (x - zeroPointIn) * w}, exact in int (at most {@code 255 * 128}
 *       in magnitude). A padded input position holds {@code zeroPointIn}, so it contributes 0.</li>
 *   <li>{@link #accumulate}: the exact sum of accumulator and product, then the accumulator's
 *       overflow rule (wrap to {@code accBits} bits, or saturate to its range).</li>
 *   <li>bias: {@code accumulate(acc, bias)}, the same step with the int32 bias.</li>
 *   <li>{@link Requant#requantize} or {@link Requant#requantizeFloat}, chosen by
 *       {@link Int8Format#requantMode()}, with ReLU folded into the clamp
 *       ({@link Requant#activationMin}).</li>
 * </ol>
 */
public final class Int8 {
    private Int8() {
    }

    /** {@code (x - zeroPointIn) * w} for an int8 activation x and an int8 weight w. */
    public static int product(int x, int zeroPointIn, int w) {
        return (x - zeroPointIn) * w;
    }

    /**
     * One accumulation step: the exact {@code acc + addend}, then the overflow rule of {@code f}:
     * WRAP keeps the low {@code accBits} bits as a two's-complement number, SATURATE clamps to
     * {@code [accMin, accMax]}.
     *
     * @param acc     accumulator value, in {@code [accMin, accMax]}
     * @param addend  a product, a fold's partial sum or the bias
     * @param counter counts the overflow, or {@code null}
     */
    public static int accumulate(int acc, int addend, Int8Format f, OverflowCounter counter) {
        long sum = (long) acc + addend;
        int max = f.accMax();
        if (sum >= -max - 1L && sum <= max) {
            return (int) sum;
        }
        boolean wrap = f.accOverflow() == Int8Format.AccOverflow.WRAP;
        if (counter != null) {
            counter.onOverflow(!wrap);
        }
        if (wrap) {
            int unused = 64 - f.accBits();
            return (int) ((sum << unused) >> unused);
        }
        return sum > max ? max : -max - 1;
    }

    /**
     * The weight-stationary order: the dot product of {@code x[xOff..xOff+k)} and
     * {@code w[wOff..wOff+k)} (reduction order) cut into folds of {@code rows}; each fold's
     * partial sum starts at 0 and takes {@link #accumulate} steps of {@link #product}s in order;
     * each partial sum is added to the accumulator (starting at 0) with {@link #accumulate}, in
     * fold order. Bias not included.
     *
     * @param rows rows of the array, at least 1
     */
    public static int dotWs(byte[] x, int xOff, int zeroPointIn, byte[] w, int wOff, int k, int rows,
                            Int8Format f, OverflowCounter counter) {
        Reduction.requireRows(rows);
        int acc = 0;
        for (int start = 0; start < k; start += rows) {
            int end = Math.min(k, start + rows);
            int partial = 0;
            for (int i = start; i < end; i++) {
                partial = accumulate(partial, product(x[xOff + i], zeroPointIn, w[wOff + i]), f, counter);
            }
            acc = accumulate(acc, partial, f, counter);
        }
        return acc;
    }

    /**
     * The output-stationary order: {@link #accumulate} steps of {@link #product}s over all of
     * {@code k} in order, starting at 0. Bias not included.
     */
    public static int dotOs(byte[] x, int xOff, int zeroPointIn, byte[] w, int wOff, int k,
                            Int8Format f, OverflowCounter counter) {
        int acc = 0;
        for (int i = 0; i < k; i++) {
            acc = accumulate(acc, product(x[xOff + i], zeroPointIn, w[wOff + i]), f, counter);
        }
        return acc;
    }
}
