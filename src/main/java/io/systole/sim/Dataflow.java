package io.systole.sim;

import java.util.Locale;

/**
 * Which operand stays in the processing elements while the others move.
 *
 * <ul>
 *   <li>{@link #WS} weight-stationary: each PE holds one weight of the current fold (R reduction
 *       indices x C output channels); activations move right, partial sums move down.</li>
 *   <li>{@link #OS} output-stationary: each PE owns one output (R positions x C output channels)
 *       and accumulates it; activations move right, weights move down.</li>
 * </ul>
 */
public enum Dataflow {
    WS,
    OS;

    /** The lower-case name used in files and on the command line: {@code ws}, {@code os}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code ws} or {@code os} in any letter case. */
    public static Dataflow parse(String text) {
        for (Dataflow d : values()) {
            if (d.key().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataflow '" + text + "': expected ws (weight-stationary) or os"
                + " (output-stationary)");
    }
}
