package io.systole.arith;

/**
 * Quantization (rounding) modes of HLS {@code ap_fixed<W,I,Q,O>}, applied whenever low-order bits
 * of an exact value are dropped.
 *
 * <p>Every mode is decided from the same three facts about the exact value {@code v} and its floor
 * {@code f = floor(v)}, as the HLS library does: {@code qb} (the fraction {@code v - f} is at least
 * one half: the first dropped bit), {@code rest} (the fraction is neither 0 nor exactly one half:
 * some dropped bit below {@code qb} is set) and whether {@code v} is negative. The result is
 * {@code f} or {@code f + 1}:
 *
 * <pre>
 *   TRN          f                          toward -inf
 *   TRN_ZERO     f + (neg &amp;&amp; (qb || rest))    toward zero
 *   RND          f + qb                     nearest, half toward +inf
 *   RND_ZERO     f + (qb &amp;&amp; (neg || rest))     nearest, half toward zero
 *   RND_INF      f + (qb &amp;&amp; (!neg || rest))    nearest, half away from zero
 *   RND_MIN_INF  f + (qb &amp;&amp; rest)              nearest, half toward -inf
 *   RND_CONV     f + (qb &amp;&amp; (odd(f) || rest))  nearest, half to even
 * </pre>
 *
 * <p>C mirror: the shift amounts below are always kept in 0..63; shifts of 64 or more are spelled
 * out as the cases they are, never left to the language.
 */
public enum Rounding {
    /** Truncate toward minus infinity (floor); the ap_fixed default. */
    TRN,
    /** Truncate toward zero. */
    TRN_ZERO,
    /** Round to nearest, ties toward plus infinity. */
    RND,
    /** Round to nearest, ties toward zero. */
    RND_ZERO,
    /** Round to nearest, ties away from zero. */
    RND_INF,
    /** Round to nearest, ties toward minus infinity. */
    RND_MIN_INF,
    /** Round to nearest, ties to even (convergent rounding). */
    RND_CONV;

    /**
     * The rounding step itself: {@code floor} or {@code floor + 1} as the table in the class
     * comment says.
     *
     * @param floor    floor of the exact value
     * @param qb       the fraction is at least one half
     * @param rest     the fraction is neither zero nor exactly one half
     * @param negative the exact value is below zero
     */
    public long adjust(long floor, boolean qb, boolean rest, boolean negative) {
        boolean up = switch (this) {
            case TRN -> false;
            case TRN_ZERO -> negative && (qb || rest);
            case RND -> qb;
            case RND_ZERO -> qb && (negative || rest);
            case RND_INF -> qb && (!negative || rest);
            case RND_MIN_INF -> qb && rest;
            case RND_CONV -> qb && ((floor & 1) != 0 || rest);
        };
        return up ? floor + 1 : floor;
    }

    /**
     * {@code v * 2^-shift} rounded to an integer by this mode: the arithmetic right shift that drops
     * {@code shift} fractional bits. Exact for every long and every shift, including shifts of 64
     * and more.
     *
     * @param shift number of bits dropped, at least 0
     */
    public long shiftRight(long v, int shift) {
        if (shift < 0) {
            throw new IllegalArgumentException("shift " + shift + " is negative: expected at least 0");
        }
        return shift == 0 ? v : shifted(v, shift, false, v < 0);
    }

    /**
     * {@code num / (den * 2^shift)} rounded to an integer by this mode, with one rounding of the
     * exact quotient (no intermediate rounding). Used for average pooling.
     *
     * @param den   divisor, at least 1
     * @param shift extra power-of-two divisor, at least 0
     */
    public long divide(long num, long den, int shift) {
        if (den < 1 || shift < 0) {
            throw new IllegalArgumentException("divide by " + den + " * 2^" + shift
                    + ": expected a divisor of at least 1 and a shift of at least 0");
        }
        long q = Math.floorDiv(num, den);
        long r = num - q * den; // remainder in [0, den)
        if (shift == 0) {
            long toNext = den - r; // 2r >= den  <=>  r >= den - r, without overflow
            boolean qb = r >= toNext;
            return adjust(q, qb, qb ? r > toNext : r != 0, num < 0);
        }
        // num/den = q + r/den with 0 <= r/den < 1: dividing by 2^shift, r only adds a sticky bit.
        return shifted(q, shift, r != 0, num < 0);
    }

    /**
     * Rounds {@code (v + t) * 2^-shift} for some 0 <= t < 1 that is non-zero exactly when sticky.
     *
     * @param shift at least 1
     */
    private long shifted(long v, int shift, boolean sticky, boolean negative) {
        long floor;
        boolean qb;
        boolean rest;
        if (shift < 64) {
            floor = v >> shift;
            qb = ((v >>> (shift - 1)) & 1L) != 0;
            rest = (v & ((1L << (shift - 1)) - 1)) != 0;
        } else {
            // Every bit of v is dropped; the first dropped bit is the sign bit (shift 64) or a copy of it.
            floor = v >> 63;
            qb = v < 0;
            rest = shift == 64 ? (v & Long.MAX_VALUE) != 0 : v != 0;
        }
        return adjust(floor, qb, rest || sticky, negative);
    }
}
