package io.systole.train;

import io.systole.model.Window;

/**
 * Convolution for training over flat row-major float32 arrays: the forward pass, the weight and
 * bias gradients and the input gradient. Per sample and group, the receptive fields are unrolled
 * into {@code cols (K, P)}: K = inC/groups*kH*kW in (input channel, kernel row, kernel column)
 * order, P = outH*outW in (row, column) order, padded positions holding 0. The mapping from
 * (k, p) to an input element is one table ({@link #fieldIndex}) that both the unrolling and the
 * scatter of the input gradient read.
 *
 * <p>Weight sharing shows in the weight gradient: one filter weight touches every output
 * position, so its gradient is the sum over all P positions (and all samples) of
 * {@code dy[o][p] * cols[k][p]}.
 */
public final class ConvKernels {
    private ConvKernels() {
    }

    /**
     * Forward pass, equal to {@link io.systole.ref.Reference#conv2d} bit for bit: every output
     * sums its K products in reduction order from zero with plain float adds, then adds the
     * bias (a padded position adds a signed zero, which leaves the sum unchanged). The loops run
     * along P ({@link Vec#axpy}). x (n, inC, h, w); weight (outC, inC/groups, kH, kW); bias
     * (outC) or null; returns (n, outC, outH, outW).
     */
    public static float[] forward(float[] x, int n, int inC, int h, int w, float[] weight, float[] bias,
            int outC, int groups, Window win) {
        int outH = win.outH("conv2d", h);
        int outW = win.outW("conv2d", w);
        int cinG = inC / groups;
        int coutG = outC / groups;
        int k = cinG * win.kh() * win.kw();
        int p = outH * outW;
        int[] field = fieldIndex(cinG, h, w, win, outH, outW);
        float[] cols = new float[k * p];
        float[] y = new float[n * outC * p];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                unroll(x, (b * inC + g * cinG) * h * w, field, cols);
                for (int o = g * coutG; o < (g + 1) * coutG; o++) {
                    int yo = (b * outC + o) * p;
                    for (int kk = 0; kk < k; kk++) {
                        Vec.axpy(weight[o * k + kk], cols, kk * p, y, yo, p);
                    }
                    if (bias != null) {
                        float bo = bias[o];
                        for (int q = 0; q < p; q++) {
                            y[yo + q] += bo;
                        }
                    }
                }
            }
        }
        return y;
    }

    /**
     * Backward pass for dy (n, outC, outH, outW): adds the weight gradient (outC, inC/groups, kH,
     * kW) to {@code dWeight} and the bias gradient (outC) to {@code dBias} when it is not null;
     * returns the input gradient (n, inC, h, w), or null when {@code inputGradient} is false
     * (the first layer of a network needs none).
     */
    public static float[] backward(float[] x, int n, int inC, int h, int w, float[] weight, int outC, int groups,
            Window win, float[] dy, float[] dWeight, float[] dBias, boolean inputGradient) {
        int outH = win.outH("conv2d", h);
        int outW = win.outW("conv2d", w);
        int cinG = inC / groups;
        int coutG = outC / groups;
        int k = cinG * win.kh() * win.kw();
        int p = outH * outW;
        int[] field = fieldIndex(cinG, h, w, win, outH, outW);
        float[] cols = new float[k * p];
        float[] dcols = inputGradient ? new float[k * p] : null;
        float[] dx = inputGradient ? new float[n * inC * h * w] : null;
        float[] lanes = new float[outC * k * Vec.LANES];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int xo = (b * inC + g * cinG) * h * w;
                unroll(x, xo, field, cols);
                if (inputGradient) {
                    java.util.Arrays.fill(dcols, 0f);
                }
                for (int o = g * coutG; o < (g + 1) * coutG; o++) {
                    int yo = (b * outC + o) * p;
                    if (dBias != null) {
                        float s = 0f;
                        for (int q = 0; q < p; q++) {
                            s += dy[yo + q];
                        }
                        dBias[o] += s;
                    }
                    for (int kk = 0; kk < k; kk++) {
                        Vec.dot(dy, yo, cols, kk * p, p, lanes, (o * k + kk) * Vec.LANES);
                    }
                    if (inputGradient) {
                        for (int kk = 0; kk < k; kk++) {
                            Vec.axpy(weight[o * k + kk], dy, yo, dcols, kk * p, p);
                        }
                    }
                }
                if (inputGradient) {
                    for (int i = 0; i < field.length; i++) {
                        if (field[i] >= 0) {
                            dx[xo + field[i]] += dcols[i];
                        }
                    }
                }
            }
        }
        for (int i = 0; i < outC * k; i++) {
            dWeight[i] += Vec.sum(lanes, i * Vec.LANES);
        }
        return dx;
    }

    /**
     * The receptive-field table (K, P): for row k = (ci, ky, kx) and output position p = (oy,
     * ox), the offset {@code (ci*h + iy)*w + ix} of the input element within one group's
     * channels, with {@code iy = oy*strideH - padH + ky*dilationH} (likewise ix), or -1 where
     * the position falls in the padding.
     */
    static int[] fieldIndex(int cinG, int h, int w, Window win, int outH, int outW) {
        int p = outH * outW;
        int[] field = new int[cinG * win.kh() * win.kw() * p];
        int i = 0;
        for (int ci = 0; ci < cinG; ci++) {
            for (int ky = 0; ky < win.kh(); ky++) {
                for (int kx = 0; kx < win.kw(); kx++) {
                    for (int oy = 0; oy < outH; oy++) {
                        int iy = oy * win.sh() - win.ph() + ky * win.dh();
                        for (int ox = 0; ox < outW; ox++) {
                            int ix = ox * win.sw() - win.pw() + kx * win.dw();
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            field[i++] = inside ? (ci * h + iy) * w + ix : -1;
                        }
                    }
                }
            }
        }
        return field;
    }

    /** cols[i] = x[xo + field[i]], or 0 in the padding. */
    private static void unroll(float[] x, int xo, int[] field, float[] cols) {
        for (int i = 0; i < field.length; i++) {
            int f = field[i];
            cols[i] = f >= 0 ? x[xo + f] : 0f;
        }
    }
}
