package io.systole.backend.tornado;

/**
 * The integer arithmetic steps of {@code io.systole.arith} as static methods over primitives, in
 * the same order of operations, for the TornadoVM kernels (which take no objects): the Java twin
 * of the OpenCL kernels' {@code systole_arith.cl}. A fixed-point format travels as four ints:
 * width W, fraction bits F, rounding ({@link io.systole.arith.Rounding#ordinal()}) and overflow
 * ({@link io.systole.arith.Overflow#ordinal()}).
 *
 * <p>TornadoVM 5.2's OpenCL code generator writes Java's {@code >>>} as an arithmetic shift, and
 * Graal lowers a division by a constant power of two through {@code >>>}; so nothing here uses
 * either: logical shifts are spelled as masks, and the one such division as a shift with its
 * correction. It also gets boolean values built of {@code &&} and {@code ||} wrong (it turns
 * {@code a && (b || c)} into {@code a || (b && c)}), so the rounding decisions are ints, 0 or 1,
 * combined with {@code &}, {@code |} and {@code ^}, and compound conditions are nested. Nor does
 * anything use {@link Math#rint} or float-to-long conversion, which it does not lower.
 */
public final class DeviceArith {
    private DeviceArith() {
    }

    // ---- Int8 -----------------------------------------------------------------------------------

    /** The low {@code bits} bits of v as a two's-complement int ({@code Int8.accumulate} under WRAP). */
    public static int wrap(long v, int bits) {
        return (int) ((v << (64 - bits)) >> (64 - bits));
    }

    /** v clamped to the {@code bits}-bit accumulator's range ({@code Int8.accumulate} under SATURATE). */
    public static int saturate(long v, int bits) {
        long max = (1L << (bits - 1)) - 1;
        return (int) Math.min(max, Math.max(-max - 1, v));
    }

    /**
     * {@code Int8.accumulate}: the exact {@code acc + addend}, wrapped or ({@code saturate} 1)
     * clamped; a long addend is a partial sum held unwrapped.
     */
    public static int accumulate(int acc, long addend, int bits, int saturate) {
        long sum = (long) acc + addend;
        return saturate == 1 ? saturate(sum, bits) : wrap(sum, bits);
    }

    // ---- Requant --------------------------------------------------------------------------------

    /** {@code Requant.saturatingRoundingDoublingHighMul}; the division by 2^31 truncates toward zero. */
    public static int srdhm(int a, int b) {
        long ab = (long) a * b;
        if (ab == 1L << 62) {
            return Integer.MAX_VALUE; // a == b == Integer.MIN_VALUE
        }
        long n = ab + (ab >= 0 ? 1L << 30 : 1L - (1L << 30));
        long q = n >> 31;
        return (int) (n < 0 ? q + ((n & 0x7FFFFFFFL) != 0 ? 1 : 0) : q);
    }

    /** {@code Requant.roundingDivideByPOT}, exponent 0..31. */
    public static int roundingDivideByPot(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** {@code Requant.multiplyByQuantizedMultiplier}; the left shift keeps the low 32 bits. */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        return roundingDivideByPot(srdhm(x << left, multiplier), right);
    }

    /** {@code Requant.requantize}: clamp(multiplyByQuantizedMultiplier(acc) + zpOut, qmin, qmax). */
    public static int requantize(int acc, int multiplier, int shift, int zpOut, int qmin, int qmax) {
        long v = (long) multiplyByQuantizedMultiplier(acc, multiplier, shift) + zpOut;
        return (int) Math.min(qmax, Math.max(qmin, v));
    }

    /**
     * {@code Requant.roundToInt8}: clamp in float to {@code [qmin - zp, qmax - zp]}, round half to
     * even, add zp. The clamped value lies within ±255, so its integer part t is exact, and so is
     * {@code c - t}.
     */
    public static int roundToInt8(float v, int zp, int qmin, int qmax) {
        float lo = qmin - zp;
        float hi = qmax - zp;
        float c = v < lo ? lo : (v > hi ? hi : v);
        int t = (int) c;
        float frac = c - t;
        int odd = t & 1;
        if (frac > 0.5f) {
            t++;
        } else if (frac == 0.5f) {
            t += odd;
        } else if (frac < -0.5f) {
            t--;
        } else if (frac == -0.5f) {
            t -= odd;
        }
        return t + zp;
    }

    /** {@code Requant.requantizeFloat}: {@code (float) acc * scale}, each rounding to nearest even. */
    public static int requantizeFloat(int acc, float scale, int zpOut, int qmin, int qmax) {
        return roundToInt8((float) acc * scale, zpOut, qmin, qmax);
    }

    // ---- Rounding -------------------------------------------------------------------------------

    /**
     * {@code Rounding.adjust}: floor or floor + 1 from the first dropped bit (qb), the rest and the
     * sign, each 0 or 1.
     */
    public static long adjust(int mode, long floor, int qb, int rest, int negative) {
        int odd = (int) (floor & 1);
        int up = switch (mode) {
            case 0 -> 0; // TRN
            case 1 -> negative & (qb | rest); // TRN_ZERO
            case 2 -> qb; // RND
            case 3 -> qb & (negative | rest); // RND_ZERO
            case 4 -> qb & ((negative ^ 1) | rest); // RND_INF
            case 5 -> qb & rest; // RND_MIN_INF
            default -> qb & (odd | rest); // RND_CONV
        };
        return floor + up;
    }

    /**
     * {@code Rounding.shifted}: {@code (v + t) * 2^-shift}, 0 <= t < 1 non-zero exactly when
     * sticky (0 or 1); shift >= 1.
     */
    static long shifted(int mode, long v, int shift, int sticky, int negative) {
        if (shift >= 64) {
            long low = shift == 64 ? v & Long.MAX_VALUE : v;
            return adjust(mode, v >> 63, v < 0 ? 1 : 0, (low != 0 ? 1 : 0) | sticky, negative);
        }
        int qb = (int) ((v >> (shift - 1)) & 1);
        int rest = (v & ((1L << (shift - 1)) - 1)) != 0 ? 1 : 0;
        return adjust(mode, v >> shift, qb, rest | sticky, negative);
    }

    /** {@code Rounding.shiftRight}: {@code v * 2^-shift} rounded by the mode, shift >= 0. */
    public static long shiftRight(int mode, long v, int shift) {
        return shift == 0 ? v : shifted(mode, v, shift, 0, v < 0 ? 1 : 0);
    }

    /** {@code Rounding.divide}: {@code num / (den * 2^shift)} with one rounding; den >= 1, shift >= 0. */
    public static long divide(int mode, long num, long den, int shift) {
        long q = Math.floorDiv(num, den);
        long r = num - q * den;
        int negative = num < 0 ? 1 : 0;
        if (shift == 0) {
            long toNext = den - r;
            int qb = r >= toNext ? 1 : 0;
            int rest = qb == 1 ? (r > toNext ? 1 : 0) : (r != 0 ? 1 : 0);
            return adjust(mode, q, qb, rest, negative);
        }
        return shifted(mode, q, shift, r != 0 ? 1 : 0, negative);
    }

    // ---- FixedFormat and FixedMac ---------------------------------------------------------------

    /** {@code FixedFormat.maxRaw}: 2^(W-1) - 1, without an intermediate overflow at W = 64. */
    public static long maxRaw(int width) {
        return ((1L << (width - 2)) - 1) * 2 + 1;
    }

    /** {@code FixedFormat.overflowed}: the result of a value known to lie above (positive) or below the range. */
    static long overflowed(int width, int overflow, boolean positive, long lowBits) {
        long max = maxRaw(width);
        return switch (overflow) {
            case 0 -> (lowBits << (64 - width)) >> (64 - width); // WRAP
            case 1 -> positive ? max : ~max; // SAT
            case 2 -> 0; // SAT_ZERO
            default -> positive ? max : -max; // SAT_SYM
        };
    }

    /** {@code FixedFormat.fit}: the overflow mode applied to an exact raw value. */
    public static long fit(int width, int overflow, long raw) {
        long max = maxRaw(width);
        if (raw > max) {
            return overflowed(width, overflow, true, raw);
        }
        if (raw < ~max) {
            return overflowed(width, overflow, false, raw);
        }
        if (raw == ~max) {
            return overflow == 3 ? -max : raw;
        }
        return raw;
    }

    /** {@code FixedFormat.rescale}: {@code raw * 2^-fromFrac} into the format (rounding, then overflow). */
    public static long rescale(int width, int frac, int rounding, int overflow, long raw, int fromFrac) {
        int drop = fromFrac - frac;
        if (drop >= 0) {
            return fit(width, overflow, shiftRight(rounding, raw, drop));
        }
        int up = -drop;
        if (raw == 0) {
            return 0;
        }
        if (up >= 64) {
            return overflowed(width, overflow, raw > 0, 0);
        }
        if (raw > Long.MAX_VALUE >> up) {
            return overflowed(width, overflow, true, raw << up);
        }
        if (raw < Long.MIN_VALUE >> up) {
            return overflowed(width, overflow, false, raw << up);
        }
        return fit(width, overflow, raw << up);
    }

    /** {@code FixedMac.add}: a + b with the format's overflow mode applied to the exact sum. */
    public static long add(int width, int overflow, long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return overflowed(width, overflow, a > 0, sum);
        }
        return fit(width, overflow, sum);
    }

    /**
     * {@code FixedMac.finish}: the bias added in the accumulator format (width, frac, overflow),
     * the sum converted into the output format, then ReLU when {@code relu} is 1.
     */
    public static long finish(long acc, long bias, int accWidth, int accFrac, int accOverflow, int outWidth,
            int outFrac, int outRounding, int outOverflow, int relu) {
        long out = rescale(outWidth, outFrac, outRounding, outOverflow, add(accWidth, accOverflow, acc, bias),
                accFrac);
        return relu == 1 ? Math.max(0L, out) : out;
    }

    /** {@code FixedMac.accumulate}: add(acc, rescale(product, productFrac)) in the accumulator format. */
    public static long accumulate(int width, int frac, int rounding, int overflow, long acc, long product,
            int productFrac) {
        return add(width, overflow, acc, rescale(width, frac, rounding, overflow, product, productFrac));
    }

    // ---- Pooling --------------------------------------------------------------------------------

    /**
     * {@code Pooling.divideFixed}: the sum (sumFrac fraction bits) divided by count, rounded into
     * the output format once; sumFrac >= the output's fraction bits.
     */
    public static long divideFixed(long sum, int count, int sumFrac, int width, int frac, int rounding,
            int overflow) {
        return fit(width, overflow, divide(rounding, sum, count, sumFrac - frac));
    }

    /** {@code Pooling.divideInt8}: sum / count to nearest, ties away from zero; count >= 1. */
    public static int divideInt8(int sum, int count) {
        int half = count >> 1;
        return sum > 0 ? (sum + half) / count : (sum - half) / count;
    }
}
