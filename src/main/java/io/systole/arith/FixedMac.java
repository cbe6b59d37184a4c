package io.systole.arith;

/**
 * The fixed-point multiply-accumulate steps. Raw values follow {@link FixedFormat}: a raw value
 * {@code r} of a format with F fraction bits means {@code r * 2^-F}.
 *
 * <p>Order of one output (see the package description for the fold structure):
 * <ol>
 *   <li>{@link #multiply}: the product of an activation (Fa fraction bits) and a weight (Fw) is
 *       exact, with {@code Fa + Fw} fraction bits.</li>
 *   <li>{@link #accumulate}: the product is converted into the accumulator format (its rounding
 *       if it has fewer than {@code Fa + Fw} fraction bits, then its overflow mode), then added
 *       with the accumulator's overflow mode ({@link #add}).</li>
 *   <li>{@link #finish}: the bias, already in the accumulator format, is added with
 *       {@link #add}; the sum is converted into the output format (its rounding, then its
 *       overflow mode); ReLU, if fused, is {@code max(0, raw)} of the converted value.</li>
 * </ol>
 */
public final class FixedMac {
    private FixedMac() {
    }

    /**
     * The exact product of two raw values; its fraction bits are the sum of theirs. Exact for data
     * formats (at most {@value FixedFormat#MAX_DATA_WIDTH} bits each: the product needs at most 63).
     */
    public static long multiply(long a, long b) {
        return a * b;
    }

    /**
     * {@code a + b} of two raw values of {@code fmt}, with its overflow mode applied to the exact
     * sum.
     *
     * @param counter counts the overflow, or {@code null}
     */
    public static long add(long a, long b, FixedFormat fmt, OverflowCounter counter) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            // The exact sum left the long range (only possible for W = 64): out of range, and sum
            // holds its low 64 bits.
            return fmt.overflowed(a > 0, sum, counter);
        }
        return fmt.fit(sum, counter);
    }

    /**
     * One accumulation step: {@code add(acc, accFmt.rescale(product, productFracBits), accFmt)}.
     *
     * @param acc             raw accumulator value in {@code accFmt}
     * @param product         raw product with {@code productFracBits} fraction bits
     * @param productFracBits {@code Fa + Fw}
     * @param counter         counts both steps' overflows, or {@code null}
     */
    public static long accumulate(long acc, long product, int productFracBits, FixedFormat accFmt,
                                  OverflowCounter counter) {
        return add(acc, accFmt.rescale(product, productFracBits, counter), accFmt, counter);
    }

    /**
     * The output step: adds the bias (raw, in {@code accFmt}) with the accumulator's overflow
     * mode, converts the sum into {@code outFmt} (rounding, then overflow), then applies ReLU as
     * {@code max(0, raw)} if {@code relu}.
     *
     * @param counter counts overflows of both steps, or {@code null}
     */
    public static long finish(long acc, long bias, FixedFormat accFmt, FixedFormat outFmt, boolean relu,
                              OverflowCounter counter) {
        long sum = add(acc, bias, accFmt, counter);
        long out = outFmt.rescale(sum, accFmt.fracBits(), counter);
        return relu ? relu(out) : out;
    }

    /** ReLU on a raw value: {@code max(0, raw)}. */
    public static long relu(long raw) {
        return Math.max(0L, raw);
    }

    /**
     * The weight-stationary order: the dot product of {@code x[xOff..xOff+k)} and
     * {@code w[wOff..wOff+k)} (reduction order) cut into folds of {@code rows}; each fold's
     * partial sum starts at 0 and takes {@link #accumulate} steps in order; each partial sum is
     * added to the accumulator (starting at 0) with {@link #add}, in fold order. Bias not included.
     *
     * @param rows rows of the array, at least 1
     * @return raw accumulator value in {@code accFmt}
     */
    public static long dotWs(long[] x, int xOff, long[] w, int wOff, int k, int rows, int productFracBits,
                             FixedFormat accFmt, OverflowCounter counter) {
        Reduction.requireRows(rows);
        long acc = 0;
        for (int start = 0; start < k; start += rows) {
            int end = Math.min(k, start + rows);
            long partial = 0;
            for (int i = start; i < end; i++) {
                partial = accumulate(partial, multiply(x[xOff + i], w[wOff + i]), productFracBits, accFmt, counter);
            }
            acc = add(acc, partial, accFmt, counter);
        }
        return acc;
    }

    /**
     * The output-stationary order: {@link #accumulate} steps over all of {@code k} in order,
     * starting at 0. Bias not included.
     *
     * @return raw accumulator value in {@code accFmt}
     */
    public static long dotOs(long[] x, int xOff, long[] w, int wOff, int k, int productFracBits,
                             FixedFormat accFmt, OverflowCounter counter) {
        long acc = 0;
        for (int i = 0; i < k; i++) {
            acc = accumulate(acc, multiply(x[xOff + i], w[wOff + i]), productFracBits, accFmt, counter);
        }
        return acc;
    }
}
