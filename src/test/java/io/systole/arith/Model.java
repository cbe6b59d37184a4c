package io.systole.arith;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * An independent model of the fixed-point steps in exact big-number arithmetic, written from the
 * ap_fixed mode definitions (value-based, with the half cases spelled out) rather than from the
 * bit manipulations of the code under test.
 */
final class Model {
    static final BigDecimal HALF = new BigDecimal("0.5");
    static final BigDecimal TWO = BigDecimal.valueOf(2);

    /** Overflow events seen by the model: overflows, saturations. */
    static final class Counts {
        long overflows;
        long saturations;

        void add(boolean saturated) {
            overflows++;
            if (saturated) {
                saturations++;
            }
        }
    }

    private Model() {
    }

    /** {@code v * 2^n}, exact. */
    static BigDecimal scalb(BigDecimal v, int n) {
        return n >= 0 ? v.multiply(TWO.pow(n)) : v.multiply(HALF.pow(-n));
    }

    /** An exact value rounded to an integer by mode q. */
    static BigInteger round(BigDecimal v, Rounding q) {
        BigInteger floor = v.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        BigDecimal frac = v.subtract(new BigDecimal(floor));
        return pick(floor, frac.compareTo(HALF), frac.signum() == 0, v.signum() < 0, q);
    }

    /** The exact quotient num / den (den > 0) rounded to an integer by mode q. */
    static BigInteger round(BigInteger num, BigInteger den, Rounding q) {
        BigInteger rem = num.mod(den);
        BigInteger floor = num.subtract(rem).divide(den);
        return pick(floor, rem.shiftLeft(1).compareTo(den), rem.signum() == 0, num.signum() < 0, q);
    }

    /**
     * @param cmpHalf sign of (fraction - 1/2)
     * @param exact   the fraction is 0
     */
    private static BigInteger pick(BigInteger floor, int cmpHalf, boolean exact, boolean negative, Rounding q) {
        BigInteger ceil = floor.add(BigInteger.ONE);
        if (exact) {
            return floor;
        }
        switch (q) {
            case TRN:
                return floor;
            case TRN_ZERO:
                return negative ? ceil : floor;
            default:
                break;
        }
        if (cmpHalf < 0) {
            return floor;
        }
        if (cmpHalf > 0) {
            return ceil;
        }
        // Exactly half way between floor and ceil.
        return switch (q) {
            case RND -> ceil;
            case RND_ZERO -> negative ? ceil : floor;
            case RND_INF -> negative ? floor : ceil;
            case RND_MIN_INF -> floor;
            case RND_CONV -> floor.testBit(0) ? ceil : floor;
            case TRN, TRN_ZERO -> throw new AssertionError(q);
        };
    }

    /** The overflow mode applied to an exact integer raw value of width w. */
    static long overflow(BigInteger v, int w, Overflow o, Counts counts) {
        BigInteger max = BigInteger.ONE.shiftLeft(w - 1).subtract(BigInteger.ONE);
        BigInteger min = max.negate().subtract(BigInteger.ONE);
        boolean above = v.compareTo(max) > 0;
        boolean below = v.compareTo(min) < 0;
        boolean symMin = o == Overflow.SAT_SYM && v.equals(min);
        if (!above && !below && !symMin) {
            return v.longValueExact();
        }
        counts.add(o != Overflow.WRAP);
        return switch (o) {
            case WRAP -> {
                BigInteger m = v.mod(BigInteger.ONE.shiftLeft(w));
                yield (m.compareTo(max) > 0 ? m.subtract(BigInteger.ONE.shiftLeft(w)) : m).longValueExact();
            }
            case SAT -> (above ? max : min).longValueExact();
            case SAT_ZERO -> 0;
            case SAT_SYM -> (above ? max : max.negate()).longValueExact();
        };
    }

    /** An exact real value converted into fmt: round to its raw grid, then its overflow mode. */
    static long convert(BigDecimal value, FixedFormat fmt, Counts counts) {
        BigInteger rounded = round(scalb(value, fmt.fracBits()), fmt.rounding());
        return overflow(rounded, fmt.width(), fmt.overflow(), counts);
    }

    /** The exact value of a raw number with the given fraction bits. */
    static BigDecimal value(long raw, int fracBits) {
        return scalb(BigDecimal.valueOf(raw), -fracBits);
    }
}
