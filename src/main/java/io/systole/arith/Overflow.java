package io.systole.arith;

/**
 * Overflow modes of HLS {@code ap_fixed<W,I,Q,O>}, applied after rounding when the rounded value
 * lies outside the format's two's-complement range {@code [-2^(W-1), 2^(W-1) - 1]} (raw units).
 * {@code max} below is {@code 2^(W-1) - 1}.
 */
public enum Overflow {
    /** Keep the low W bits (two's-complement wrap-around); the ap_fixed default. */
    WRAP,
    /** Clamp to {@code max} or {@code -max - 1}. */
    SAT,
    /** Any out-of-range value becomes 0. */
    SAT_ZERO,
    /**
     * Clamp symmetrically to {@code max} or {@code -max}. As in ap_fixed, a result equal to the
     * most negative value {@code -max - 1} also becomes {@code -max}, so the range is symmetric.
     */
    SAT_SYM
}
