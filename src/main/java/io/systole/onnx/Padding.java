package io.systole.onnx;

import io.systole.model.Shape;
import java.util.Arrays;

/**
 * ONNX window padding (explicit {@code pads} [top, left, bottom, right], or {@code auto_pad}, and
 * a pool's {@code ceil_mode}) resolved to the symmetric padding of a {@link io.systole.model.Window}.
 *
 * <p>Output position o of an axis reads input rows {@code o*stride - begin + j*dilation}: the
 * windows depend only on the begin pad. So begin padding on both sides reproduces ONNX exactly
 * whenever it yields ONNX's output size, {@code floor((in + begin + end - span) / stride) + 1}
 * (span = dilation*(kernel-1)+1): every ONNX window then lies in the same place and reads only
 * zeros outside the input, and an average's count of padded positions is the same. Padding that
 * changes the output size (asymmetric pads that add an output row, SAME padding on some input
 * sizes) is unsupported, and so is ceil rounding wherever it differs from floor rounding
 * (implementations disagree on whether a last window that starts in the end padding counts).
 */
final class Padding {
    private static final String[] AXIS = {"height", "width"};

    private Padding() {
    }

    /**
     * The symmetric padding (padH, padW) for an input image {@code in}; kernel, stride and
     * dilation are (height, width) pairs.
     */
    static int[] resolve(Attributes a, Shape in, int[] kernel, int[] stride, int[] dilation) throws Unsupported {
        String auto = a.text("auto_pad", "NOTSET");
        boolean ceilMode = a.integer("ceil_mode", 0) != 0;
        long[] pads = a.integers("pads");
        if (!Arrays.asList("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID").contains(auto)) {
            throw new Unsupported("attribute 'auto_pad' = " + auto
                    + " is not a padding mode (NOTSET, SAME_UPPER, SAME_LOWER, VALID)");
        }
        if (pads != null && pads.length != 4) {
            throw new Unsupported("attribute 'pads' = " + Arrays.toString(pads)
                    + ": expected 4 values [top, left, bottom, right] for a 2-D window");
        }
        if (pads != null && !auto.equals("NOTSET") && Arrays.stream(pads).anyMatch(p -> p != 0)) {
            throw new Unsupported("attributes 'pads' = " + Arrays.toString(pads) + " and 'auto_pad' = " + auto
                    + " are both set");
        }
        int[] size = {in.h(), in.w()};
        int[] out = new int[2];
        for (int ax = 0; ax < 2; ax++) {
            long span = (long) dilation[ax] * (kernel[ax] - 1) + 1;
            long s = stride[ax];
            long n = size[ax];
            long begin;
            long end;
            switch (auto) {
                case "VALID" -> {
                    begin = 0;
                    end = 0;
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long total = Math.max(0, ((n + s - 1) / s - 1) * s + span - n);
                    begin = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    end = total - begin;
                }
                default -> {
                    begin = pads == null ? 0 : pads[ax];
                    end = pads == null ? 0 : pads[ax + 2];
                }
            }
            if (begin < 0 || end < 0) {
                throw new Unsupported("attribute 'pads' = " + Arrays.toString(pads) + " is negative (cropping)");
            }
            long floor = outSize(n + begin + end - span, s, false);
            long onnx = auto.equals("NOTSET") || auto.equals("VALID") ? outSize(n + begin + end - span, s, ceilMode)
                    : floor;
            long ours = outSize(n + 2 * begin - span, s, false);
            if (ours != onnx) {
                String where = " (input " + AXIS[ax] + " " + n + ", kernel " + kernel[ax] + ", stride " + s + ")";
                throw new Unsupported(onnx != floor
                        ? "attribute 'ceil_mode' = 1 rounds up to " + onnx + " outputs along the " + AXIS[ax]
                                + " where floor rounding gives " + floor + where + "; systole rounds down"
                        : (auto.equals("NOTSET") ? "attribute 'pads' = " + Arrays.toString(pads)
                                : "attribute 'auto_pad' = " + auto) + " pads the " + AXIS[ax] + " with " + begin
                                + " before and " + end + " after, giving " + onnx + " outputs where " + begin
                                + " on both sides gives " + ours + where + "; systole pads symmetrically");
            }
            out[ax] = Math.toIntExact(begin);
        }
        return out;
    }

    /** Output count along one axis for {@code room} = padded input minus window span; -1 when no window fits. */
    private static long outSize(long room, long stride, boolean ceil) {
        return room < 0 ? -1 : (ceil ? (room + stride - 1) / stride : room / stride) + 1;
    }
}
