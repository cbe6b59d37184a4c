package io.systole.verify;

import java.util.Locale;

/**
 * The first differing element of one node's output.
 *
 * @param node      node name
 * @param index     flat index into the (N, C, H, W) or (N, F) tensor
 * @param batch     batch index
 * @param channel   channel (feature for vectors)
 * @param row       row (0 for vectors)
 * @param column    column (0 for vectors)
 * @param expected  the simulator's value
 * @param actual    the device's value
 * @param ulps      float32 distance in units in the last place (0 for integer formats)
 * @param differing how many elements of this node differ
 * @param total     elements of this node
 */
public record Mismatch(String node, int index, int batch, int channel, int row, int column, double expected,
        double actual, long ulps, long differing, long total) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "layer %s: first difference at batch %d, channel %d, row %d, column %d"
                + " (flat index %d): expected %s, got %s%s; %d of %d elements differ", node, batch, channel, row, column,
                index, num(expected), num(actual), ulps > 0 ? " (" + ulps + " ulp)" : "", differing, total);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Float.toString((float) v);
    }
}
