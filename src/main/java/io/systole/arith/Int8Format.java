package io.systole.arith;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quantized int8 format: int8 activations with a zero point, int8 symmetric weights with a
 * scale per output channel, int32 bias, products accumulated in a signed accumulator of
 * {@code accBits} bits with an overflow rule, and requantization to int8 by one of two modes.
 *
 * <p>{@code accBits} is in 16..32: at least 16 so that one product {@code (x - zp) * w}, at most
 * {@code 255 * 128} in magnitude, always fits; at most 32 so that requantization works on int32 as
 * the usual integer-only pipelines do.
 *
 * <p>Text form: {@code int8} for {@link #DEFAULT}, else {@code int8<ACC_BITS,OVERFLOW,MODE>};
 * {@link #parse} also accepts {@code int8<ACC_BITS>} and {@code int8<ACC_BITS,OVERFLOW>}.
 *
 * @param accBits     accumulator width in bits, 16..32
 * @param accOverflow what the accumulator does with a sum outside its range
 * @param requantMode how the accumulator is brought back to int8
 */
public record Int8Format(int accBits, AccOverflow accOverflow, RequantMode requantMode) implements NumberFormat {
    /** 32-bit wrapping accumulator, integer multiplier and shift. */
    public static final Int8Format DEFAULT = new Int8Format(32, AccOverflow.WRAP, RequantMode.MULTIPLIER_SHIFT);
    /** Narrowest accumulator, in bits. */
    public static final int MIN_ACC_BITS = 16;
    /** Widest accumulator, in bits. */
    public static final int MAX_ACC_BITS = 32;

    private static final Pattern SYNTAX = Pattern.compile(
            "int8(?:\\s*<\\s*(\\d+)\\s*(?:,\\s*(\\w+)\\s*(?:,\\s*(\\w+)\\s*)?)?>)?");
    private static final String EXPECTED = "expected int8 or int8<ACC_BITS[,WRAP|SATURATE[,MULTIPLIER_SHIFT|FLOAT_SCALE]]>"
            + " with ACC_BITS in " + MIN_ACC_BITS + ".." + MAX_ACC_BITS;

    /** What an accumulator does with a sum outside {@code [-2^(accBits-1), 2^(accBits-1) - 1]}. */
    public enum AccOverflow {
        /** Keep the low accBits bits (two's complement). */
        WRAP,
        /** Clamp to the nearest end of the range. */
        SATURATE
    }

    /** How an int32 accumulator is requantized to int8. */
    public enum RequantMode {
        /**
         * Integer-only: multiply by a Q31 multiplier with a rounding doubling high multiply, then a
         * rounding right shift ({@link Requant#requantize}).
         */
        MULTIPLIER_SHIFT,
        /**
         * float32 scale, round half to even, as ONNX Runtime's QLinearConv does
         * ({@link Requant#requantizeFloat}).
         */
        FLOAT_SCALE
    }

    public Int8Format {
        Objects.requireNonNull(accOverflow, "accOverflow");
        Objects.requireNonNull(requantMode, "requantMode");
        if (accBits < MIN_ACC_BITS || accBits > MAX_ACC_BITS) {
            throw new IllegalArgumentException("int8 accumulator width " + accBits + " is out of range: expected "
                    + MIN_ACC_BITS + ".." + MAX_ACC_BITS);
        }
    }

    /**
     * Parses {@code int8}, {@code int8<24>}, {@code int8<24,SATURATE>} or
     * {@code int8<24,SATURATE,FLOAT_SCALE>} (mode names in any letter case); missing parts take
     * the values of {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static Int8Format parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad int8 format \"" + text + "\": " + EXPECTED);
        }
        try {
            int bits = m.group(1) == null ? DEFAULT.accBits : Integer.parseInt(m.group(1));
            AccOverflow o = m.group(2) == null ? DEFAULT.accOverflow
                    : AccOverflow.valueOf(m.group(2).toUpperCase(Locale.ROOT));
            RequantMode r = m.group(3) == null ? DEFAULT.requantMode
                    : RequantMode.valueOf(m.group(3).toUpperCase(Locale.ROOT));
            return new Int8Format(bits, o, r);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad int8 format \"" + text + "\": " + EXPECTED, e);
        }
    }

    /** Largest accumulator value, {@code 2^(accBits-1) - 1}. */
    public int accMax() {
        return (int) ((1L << (accBits - 1)) - 1);
    }

    /** Smallest accumulator value, {@code -2^(accBits-1)}. */
    public int accMin() {
        return -accMax() - 1;
    }

    @Override
    public String name() {
        return equals(DEFAULT) ? "int8" : "int8<" + accBits + "," + accOverflow + "," + requantMode + ">";
    }

    @Override
    public String toString() {
        return name();
    }
}
