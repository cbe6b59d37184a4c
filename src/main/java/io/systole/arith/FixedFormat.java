package io.systole.arith;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signed two's-complement fixed point as HLS {@code ap_fixed<W,I,Q,O>}: {@code width} W bits in
 * all, {@code intBits} I of them (sign included) above the binary point, {@code fracBits} F = W - I
 * below it. A value is held as its raw integer {@code raw} in a {@code long}; it means
 * {@code raw * 2^-F}, and lies in {@code [minRaw, maxRaw] = [-2^(W-1), 2^(W-1) - 1]}.
 *
 * <p>Validated ranges: W in 2..64 (data formats use at most {@value #MAX_DATA_WIDTH} bits, so that
 * a product of two raw values fits a long; accumulators up to 64); I in -W..2W, so the binary point
 * may sit up to W bits left of the sign bit (F up to 2W: small weights) or up to W bits right of
 * the least significant bit (F down to -W). A 1-bit signed format is refused: its symmetric range
 * would hold only zero.
 *
 * <p>Every conversion into this format computes the exact value, rounds it with {@link #rounding}
 * when bits are dropped, then applies {@link #overflow} to the rounded value (ap_fixed semantics).
 *
 * @param width    W, total bits including the sign
 * @param intBits  I, bits above the binary point including the sign
 * @param rounding quantization mode when fractional bits are dropped
 * @param overflow overflow mode when the rounded value is out of range
 */
public record FixedFormat(int width, int intBits, Rounding rounding, Overflow overflow) implements NumberFormat {
    /** Widest format, in bits (accumulators). */
    public static final int MAX_WIDTH = 64;
    /** Widest data (activation, weight) format, in bits. */
    public static final int MAX_DATA_WIDTH = 32;

    private static final Pattern SYNTAX = Pattern.compile(
            "fixed\\s*<\\s*(-?\\d+)\\s*,\\s*(-?\\d+)\\s*(?:,\\s*(\\w+)\\s*(?:,\\s*(\\w+)\\s*)?)?>");
    private static final String EXPECTED = "expected fixed<W,I>, fixed<W,I,Q> or fixed<W,I,Q,O>"
            + " (e.g. fixed<16,6,RND,SAT>) with W in 2.." + MAX_WIDTH + ", I in -W..2W";

    public FixedFormat {
        Objects.requireNonNull(rounding, "rounding");
        Objects.requireNonNull(overflow, "overflow");
        if (width < 2 || width > MAX_WIDTH) {
            throw new IllegalArgumentException("fixed-point width " + width + " is out of range: expected 2.." + MAX_WIDTH);
        }
        if (intBits < -width || intBits > 2 * width) {
            throw new IllegalArgumentException("fixed-point integer bits " + intBits + " for width " + width
                    + " are out of range: expected " + -width + ".." + 2 * width);
        }
    }

    /** {@code fixed<W,I>} with the ap_fixed defaults: truncation ({@link Rounding#TRN}) and {@link Overflow#WRAP}. */
    public FixedFormat(int width, int intBits) {
        this(width, intBits, Rounding.TRN, Overflow.WRAP);
    }

    /**
     * Parses {@code fixed<W,I>}, {@code fixed<W,I,Q>} or {@code fixed<W,I,Q,O>}; the modes may carry
     * the HLS {@code AP_} prefix and any letter case ({@code fixed<16,6,AP_RND_CONV,AP_SAT>}).
     * Missing modes default to TRN and WRAP as in ap_fixed.
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static FixedFormat parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad fixed-point format \"" + text + "\": " + EXPECTED);
        }
        Rounding q = m.group(3) == null ? Rounding.TRN : mode(Rounding.class, m.group(3), text, "rounding");
        Overflow o = m.group(4) == null ? Overflow.WRAP : mode(Overflow.class, m.group(4), text, "overflow");
        try {
            return new FixedFormat(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), q, o);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad fixed-point format \"" + text + "\": " + EXPECTED, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad fixed-point format \"" + text + "\": " + e.getMessage(), e);
        }
    }

    private static <E extends Enum<E>> E mode(Class<E> type, String word, String text, String what) {
        String name = word.toUpperCase(Locale.ROOT);
        if (name.startsWith("AP_")) {
            name = name.substring(3);
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            known.append(known.isEmpty() ? "" : ", ").append(e.name());
        }
        throw new IllegalArgumentException("bad fixed-point format \"" + text + "\": unknown " + what + " mode \""
                + word + "\", expected one of " + known + " (optionally with the AP_ prefix)");
    }

    /**
     * The default accumulator for products of {@code data} with itself; see
     * {@link #defaultAccumulator(FixedFormat, FixedFormat)}.
     */
    public static FixedFormat defaultAccumulator(FixedFormat data) {
        return defaultAccumulator(data, data);
    }

    /**
     * The default accumulator for products of an activation and a weight format: fraction bits
     * {@code Fa + Fw}, so every product enters it exactly, and width {@code min(64, Wa + Ww + 16)},
     * which leaves 16 guard bits above a product (fewer only where 64 bits cap it);
     * TRN and WRAP. Both formats must be data formats (at most {@value #MAX_DATA_WIDTH} bits).
     */
    public static FixedFormat defaultAccumulator(FixedFormat activation, FixedFormat weight) {
        activation.requireDataWidth();
        weight.requireDataWidth();
        int w = Math.min(MAX_WIDTH, activation.width + weight.width + 16);
        int f = activation.fracBits() + weight.fracBits();
        return new FixedFormat(w, w - f, Rounding.TRN, Overflow.WRAP);
    }

    /** @throws IllegalArgumentException if this format is wider than a data format may be */
    FixedFormat requireDataWidth() {
        if (width > MAX_DATA_WIDTH) {
            throw new IllegalArgumentException(this + " is " + width + " bits wide: a data format has at most "
                    + MAX_DATA_WIDTH + " bits");
        }
        return this;
    }

    /** F = W - I, the number of bits below the binary point; a raw value means {@code raw * 2^-F}. */
    public int fracBits() {
        return width - intBits;
    }

    /** Largest raw value, {@code 2^(W-1) - 1}. */
    public long maxRaw() {
        return -1L >>> (MAX_WIDTH + 1 - width);
    }

    /**
     * Smallest raw value of the two's-complement range, {@code -2^(W-1)}. Under
     * {@link Overflow#SAT_SYM} no conversion produces it: results stop at {@code -maxRaw()}.
     */
    public long minRaw() {
        return ~maxRaw();
    }

    /**
     * Converts the exact value {@code raw * 2^-fromFracBits} into this format: rounds with
     * {@link #rounding} if {@code fromFracBits > F} (bits dropped; appended bits are zeros), then
     * applies {@link #overflow}. Exact for every long and every shift.
     *
     * @param counter counts the overflow, or {@code null}
     */
    public long rescale(long raw, int fromFracBits, OverflowCounter counter) {
        int drop = fromFracBits - fracBits();
        if (drop >= 0) {
            return fit(rounding.shiftRight(raw, drop), counter);
        }
        int up = -drop; // bits appended below the value
        if (raw == 0) {
            return 0;
        }
        if (up >= 64) {
            return overflowed(raw > 0, 0L, counter); // |raw * 2^up| >= 2^64: out of every range
        }
        if (raw > Long.MAX_VALUE >> up || raw < Long.MIN_VALUE >> up) {
            return overflowed(raw > 0, raw << up, counter); // beyond the long range, so beyond the format's
        }
        return fit(raw << up, counter);
    }

    /**
     * Converts a double, taken as the exact binary fraction it is, into this format: rounding and
     * overflow exactly as {@link #rescale}.
     *
     * @throws IllegalArgumentException if {@code v} is NaN or infinite
     */
    public long fromDouble(double v, OverflowCounter counter) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("cannot convert " + v + " to " + this + ": the value is not finite");
        }
        if (v == 0.0) {
            return 0;
        }
        long bits = Double.doubleToRawLongBits(v);
        int biased = (int) (bits >>> 52) & 0x7ff;
        long mantissa = bits & ((1L << 52) - 1);
        int exponent; // v = +-mantissa * 2^exponent
        if (biased == 0) {
            exponent = -1074; // subnormal
        } else {
            mantissa |= 1L << 52;
            exponent = biased - 1075;
        }
        return rescale(v < 0 ? -mantissa : mantissa, -exponent, counter);
    }

    /** {@code raw * 2^-F} as the nearest double (exact when W &lt;= 53). */
    public double toDouble(long raw) {
        return Math.scalb((double) raw, -fracBits());
    }

    /**
     * Applies the overflow mode to an exact integer raw value: values in range pass unchanged
     * (except the most negative one under {@link Overflow#SAT_SYM}, which becomes {@code -maxRaw()}).
     *
     * @param counter counts the overflow, or {@code null}
     */
    public long fit(long raw, OverflowCounter counter) {
        long max = maxRaw();
        if (raw > max) {
            return overflowed(true, raw, counter);
        }
        if (raw < ~max) {
            return overflowed(false, raw, counter);
        }
        if (raw == ~max && overflow == Overflow.SAT_SYM) {
            if (counter != null) {
                counter.onOverflow(true);
            }
            return -max;
        }
        return raw;
    }

    /**
     * The result of a value known to be out of range.
     *
     * @param positive the exact value is above the range (else below it)
     * @param lowBits  the exact value modulo 2^64 (its low 64 bits), used by WRAP
     */
    long overflowed(boolean positive, long lowBits, OverflowCounter counter) {
        if (counter != null) {
            counter.onOverflow(overflow != Overflow.WRAP);
        }
        int unused = MAX_WIDTH - width;
        return switch (overflow) {
            case WRAP -> (lowBits << unused) >> unused;
            case SAT -> positive ? maxRaw() : minRaw();
            case SAT_ZERO -> 0;
            case SAT_SYM -> positive ? maxRaw() : -maxRaw();
        };
    }

    /** The canonical form, {@code fixed<W,I,Q,O>}, e.g. {@code fixed<16,6,RND,SAT>}. */
    @Override
    public String name() {
        return "fixed<" + width + "," + intBits + "," + rounding + "," + overflow + ">";
    }

    @Override
    public String toString() {
        return name();
    }
}
