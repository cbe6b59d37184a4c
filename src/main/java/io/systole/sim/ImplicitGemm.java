package io.systole.sim;

import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Shape;
import io.systole.model.Window;

/**
 * A convolution (or a dense layer, as a 1x1 convolution over a 1x1 image) seen as the matrix
 * product the array computes, once per group g:
 * <pre>
 *   out[m][n] = sum over k of X[m][k] * W[k][n]      m &lt; M, k &lt; K, n &lt; N
 *   M = batch * outH * outW                    output positions, m = (b * outH + oy) * outW + ox
 *   K = inC/groups * kH * kW                   reduction, k = (ci * kH + ky) * kW + kx
 *   N = outC / groups                          output channels of the group, o = g * N + n
 *   X[m][k] = x[b][g*inC/groups + ci][oy*sH - pH + ky*dH][ox*sW - pW + kx*dW]   (0 outside)
 *   W[k][n] = weight[g*N + n][ci][ky][kx]
 * </pre>
 * The reduction order (input channel, kernel row, kernel column) is the reference engine's. X is
 * never stored: {@link #inputIndex} computes where each element lives (im2col on the fly).
 * Input x is (batch, inC, inH, inW), output (batch, outC, outH, outW), both row-major.
 *
 * @param name   the layer
 * @param batch  images per run
 * @param inC    input channels
 * @param inH    input height
 * @param inW    input width
 * @param outC   output channels
 * @param groups channel groups (each a separate GEMM)
 * @param window kernel, stride, padding, dilation
 */
public record ImplicitGemm(String name, int batch, int inC, int inH, int inW, int outC, int groups, Window window) {

    public ImplicitGemm {
        if (batch < 1 || inC < 1 || inH < 1 || inW < 1 || outC < 1 || groups < 1) {
            throw new IllegalArgumentException("layer '" + name + "': batch, channels, sizes and groups must be"
                    + " positive, got batch " + batch + ", " + inC + "x" + inH + "x" + inW + " -> " + outC
                    + " channels, groups " + groups);
        }
        if (inC % groups != 0 || outC % groups != 0) {
            throw new IllegalArgumentException("layer '" + name + "': groups " + groups + " must divide input channels "
                    + inC + " and output channels " + outC);
        }
        window.validate(name);
        window.outH(name, inH);
        window.outW(name, inW);
    }

    /** A convolution applied to an input of the given shape. */
    public static ImplicitGemm of(Conv2d c, Shape in, int batch) {
        return new ImplicitGemm(c.name(), batch, in.c(), in.h(), in.w(), c.outChannels(), c.groups(), c.window());
    }

    /** A dense layer as a 1x1 convolution: K = in features, N = out features, M = batch. */
    public static ImplicitGemm of(Dense d, int batch) {
        return new ImplicitGemm(d.name(), batch, d.inFeatures(), 1, 1, d.outFeatures(), 1,
                new Window(1, 1, 1, 1, 0, 0, 1, 1));
    }

    public int outH() {
        return window.outH(name, inH);
    }

    public int outW() {
        return window.outW(name, inW);
    }

    /** Output positions, batch * outH * outW. */
    public int m() {
        return batch * outH() * outW();
    }

    /** Reduction length, inC/groups * kH * kW. */
    public int k() {
        return inC / groups * window.kh() * window.kw();
    }

    /** Output channels per group. */
    public int n() {
        return outC / groups;
    }

    /** Multiply-accumulates of the layer, M * K * N * groups. */
    public long macs() {
        return (long) m() * k() * n() * groups;
    }

    /** Elements of the input, batch * inC * inH * inW. */
    public long inputElements() {
        return (long) batch * inC * inH * inW;
    }

    /** Elements of the output, batch * outC * outH * outW. */
    public long outputElements() {
        return (long) m() * outC;
    }

    /** Elements of the weight, outC * inC/groups * kH * kW. */
    public long weightElements() {
        return (long) outC * k();
    }

    /** Where output (m, channel o) lives in the (batch, outC, outH, outW) output. */
    public int outputIndex(int m, int o) {
        int hw = outH() * outW();
        int b = m / hw;
        return (b * outC + o) * hw + m % hw;
    }

    /**
     * Fills {@code idx[0..K)} with the input index of X[m][k] for group g, or -1 where k falls on
     * padding.
     */
    public void inputIndex(int g, int m, int[] idx) {
        int oh = outH();
        int ow = outW();
        int b = m / (oh * ow);
        int oy = m / ow % oh;
        int ox = m % ow;
        int cinG = inC / groups;
        int kh = window.kh();
        int kw = window.kw();
        int y0 = oy * window.sh() - window.ph();
        int x0 = ox * window.sw() - window.pw();
        int k = 0;
        for (int ci = 0; ci < cinG; ci++) {
            int plane = (b * inC + g * cinG + ci) * inH;
            for (int ky = 0; ky < kh; ky++) {
                int iy = y0 + ky * window.dh();
                boolean rowIn = iy >= 0 && iy < inH;
                for (int kx = 0; kx < kw; kx++) {
                    int ix = x0 + kx * window.dw();
                    idx[k++] = rowIn && ix >= 0 && ix < inW ? (plane + iy) * inW + ix : -1;
                }
            }
        }
    }

    /** Rows of the zero-padded input, Hp = inH + 2 pH. */
    public int paddedH() {
        return inH + 2 * window.ph();
    }

    /** Columns of the zero-padded input, Wp = inW + 2 pW. */
    public int paddedW() {
        return inW + 2 * window.pw();
    }

    /**
     * Where position m = (b * outH + oy) * outW + ox starts its window in the zero-padded input
     * (batch, inC, Hp, Wp), for group 0: {@code (b * inC * Hp + oy * sH) * Wp + ox * sW}. X[m][k]
     * of group g is the padded element at {@code g * inC/groups * Hp * Wp + windowStart(m) +
     * reductionOffset(k)}.
     */
    public long windowStart(int m) {
        long b = m / (outH() * outW());
        long oy = m / outW() % outH();
        long ox = m % outW();
        return (b * inC * paddedH() + oy * window.sh()) * paddedW() + ox * window.sw();
    }

    /**
     * Where reduction index k = (ci * kH + ky) * kW + kx reads in the zero-padded input from its
     * window's start: {@code (ci * Hp + ky * dH) * Wp + kx * dW}.
     */
    public long reductionOffset(int k) {
        long ci = k / (window.kh() * window.kw());
        long ky = k / window.kw() % window.kh();
        long kx = k % window.kw();
        return (ci * paddedH() + ky * window.dh()) * paddedW() + kx * window.dw();
    }

    /** The index of X[m][k] for group g in the input, or -1 on padding (one element of {@link #inputIndex}). */
    public int inputIndex(int g, int m, int k) {
        int oh = outH();
        int ow = outW();
        int kh = window.kh();
        int kw = window.kw();
        int ci = k / (kh * kw);
        int ky = k / kw % kh;
        int kx = k % kw;
        int iy = m / ow % oh * window.sh() - window.ph() + ky * window.dh();
        int ix = m % ow * window.sw() - window.pw() + kx * window.dw();
        if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
            return -1;
        }
        int b = m / (oh * ow);
        return ((b * inC + g * (inC / groups) + ci) * inH + iy) * inW + ix;
    }

    /** Counts of the X elements that are not padding, per tap and range of positions (memory model). */
    public Taps taps() {
        return new Taps(this);
    }

    /**
     * For each kernel tap (ky, kx), how many output positions read a real input element rather
     * than padding; {@link #count} answers for any range of positions in O(1).
     */
    public static final class Taps {
        private final int kh;
        private final int kw;
        private final int outH;
        private final int outW;
        private final int[][] rowPrefix; // [ky][oy]: rows before oy whose input row is inside
        private final int[][] colPrefix; // [kx][ox]: columns before ox whose input column is inside

        Taps(ImplicitGemm g) {
            Window w = g.window;
            kh = w.kh();
            kw = w.kw();
            outH = g.outH();
            outW = g.outW();
            rowPrefix = new int[kh][outH + 1];
            colPrefix = new int[kw][outW + 1];
            for (int ky = 0; ky < kh; ky++) {
                for (int oy = 0; oy < outH; oy++) {
                    int iy = oy * w.sh() - w.ph() + ky * w.dh();
                    rowPrefix[ky][oy + 1] = rowPrefix[ky][oy] + (iy >= 0 && iy < g.inH ? 1 : 0);
                }
            }
            for (int kx = 0; kx < kw; kx++) {
                for (int ox = 0; ox < outW; ox++) {
                    int ix = ox * w.sw() - w.pw() + kx * w.dw();
                    colPrefix[kx][ox + 1] = colPrefix[kx][ox] + (ix >= 0 && ix < g.inW ? 1 : 0);
                }
            }
        }

        /** Positions in [0, m) whose element for tap (ky, kx) is inside the input. */
        private long before(int ky, int kx, long m) {
            long hw = (long) outH * outW;
            long b = m / hw;
            int r = (int) (m % hw);
            int oy = r / outW;
            int ox = r % outW;
            int[] rows = rowPrefix[ky];
            int[] cols = colPrefix[kx];
            boolean rowIn = rows[oy + 1] > rows[oy];
            return b * rows[outH] * cols[outW] + (long) rows[oy] * cols[outW] + (rowIn ? cols[ox] : 0);
        }

        /** Positions in [m0, m0 + count) whose element for reduction index k is inside the input. */
        public long count(int k, long m0, long count) {
            int tap = k % (kh * kw);
            int ky = tap / kw;
            int kx = tap % kw;
            return before(ky, kx, m0 + count) - before(ky, kx, m0);
        }

        /** Non-padding elements of the X tile of positions [m0, m0 + count) and reductions [k0, k0 + r). */
        public long count(long m0, long count, int k0, int r) {
            long sum = 0;
            int taps = kh * kw;
            if (r >= taps) {
                // whole kernels repeat per input channel: count each tap once per full repetition
                long[] perTap = new long[taps];
                for (int t = 0; t < taps; t++) {
                    perTap[t] = count(t, m0, count);
                }
                for (int k = k0; k < k0 + r; k++) {
                    sum += perTap[k % taps];
                }
                return sum;
            }
            for (int k = k0; k < k0 + r; k++) {
                sum += count(k, m0, count);
            }
            return sum;
        }
    }
}
