package io.systole.hls;

import java.util.Locale;
import java.util.regex.Pattern;

/** C++ spellings of names and values in generated sources. */
final class CppText {
    private static final Pattern NOT_IDENTIFIER = Pattern.compile("[^A-Za-z0-9_]");
    /** Values per line of a generated array initializer. */
    private static final int PER_LINE = 16;

    private CppText() {
    }

    /** A C identifier for a layer name: other characters become '_', a leading digit gets 'l_'. */
    static String identifier(String name) {
        String id = NOT_IDENTIFIER.matcher(name).replaceAll("_");
        return id.isEmpty() || Character.isDigit(id.charAt(0)) ? "l_" + id : id;
    }

    /** A string literal. */
    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** An int literal, also for Integer.MIN_VALUE (which has no literal of its own). */
    static String int32(int v) {
        return v == Integer.MIN_VALUE ? "(-2147483647 - 1)" : Integer.toString(v);
    }

    /** An int64_t literal. */
    static String int64(long v) {
        return v == Long.MIN_VALUE ? "INT64_MIN" : "INT64_C(" + v + ")";
    }

    /** A float literal that is exactly the float: hexadecimal, {@code 0x1.8p-3f}. */
    static String float32(float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("a requantization scale must be finite, got " + v);
        }
        return Float.toHexString(v) + "f";
    }

    /** One line of text per comment line, for a one-line description that may hold line breaks. */
    static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ");
    }

    /** {@code const TYPE NAME[n] = {...};} with the values written by {@code value}; n is at least 1. */
    static String array(String type, String name, int n, java.util.function.IntFunction<String> value) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "const %s %s[%d] = {", type, name, n));
        for (int i = 0; i < n; i++) {
            b.append(i % PER_LINE == 0 ? "\n    " : " ").append(value.apply(i)).append(i + 1 < n ? "," : "");
        }
        return b.append("\n};\n").toString();
    }
}
