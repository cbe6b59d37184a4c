package io.systole.arith;

import java.util.Objects;

/**
 * The number format of a layer's data: {@link F32}, {@link Int8Format} or a {@link FixedFormat}
 * of at most {@value FixedFormat#MAX_DATA_WIDTH} bits.
 */
public sealed interface NumberFormat permits F32, Int8Format, FixedFormat {
    /** The text form, which {@link #parse} reads back: {@code f32}, {@code int8}, {@code fixed<16,6,RND,SAT>}. */
    String name();

    /**
     * Parses {@code f32} (or {@code float32}), {@code int8[<...>]} ({@link Int8Format#parse}) or
     * {@code fixed<...>} ({@link FixedFormat#parse}, at most {@value FixedFormat#MAX_DATA_WIDTH}
     * bits wide).
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    static NumberFormat parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        if (t.equals("f32") || t.equals("float32")) {
            return F32.INSTANCE;
        }
        if (t.startsWith("int8")) {
            return Int8Format.parse(t);
        }
        if (t.startsWith("fixed")) {
            FixedFormat f = FixedFormat.parse(t);
            try {
                return f.requireDataWidth();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad number format \"" + text + "\": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("unknown number format \"" + text
                + "\": expected f32, int8, int8<ACC_BITS,WRAP|SATURATE,MULTIPLIER_SHIFT|FLOAT_SCALE> or fixed<W,I[,Q[,O]]>");
    }
}
