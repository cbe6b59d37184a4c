package io.systole.sim;

/**
 * Gathers rows of a layer's implicit GEMM X (see {@link ImplicitGemm}) into packed panels for the
 * vector kernels, without forming X. Element X[m][k] of group g lives at the input index
 * {@code corner(g, m) + offset[k]}, where the corner is position m's top-left input element
 * (which may lie in the padding) and offset[k] = (ci * inH + ky * dH) * inW + kx * dW; it is
 * padding unless row {@code y0 + dy[k]} and column {@code x0 + dx[k]} are inside the input.
 *
 * <p>A panel holds {@code count} positions by reductions [kb, ke) in slivers of MR =
 * {@link VectorKernels#MR} positions: sliver s is (ke - kb, MR) row-major, so the MR positions of
 * one reduction index are adjacent (a compile-time MR keeps the panel index a plain
 * multiply-add). Only elements inside the input are visited: the panel must hold zeros at
 * padding (see {@link #padded}). Positions past {@code count} in the last sliver are not visited
 * either; they feed only their own outputs, which are dropped.
 */
final class Im2col {
    private final ImplicitGemm g;
    /** (K) input offset of reduction index k from a position's corner, in elements. */
    private final int[] offset;
    /** (K) input rows below a position's top row, ky * dH. */
    private final int[] dy;
    /** (K) input columns right of a position's left column, kx * dW. */
    private final int[] dx;

    Im2col(ImplicitGemm g) {
        this.g = g;
        int k = g.k();
        offset = new int[k];
        dy = new int[k];
        dx = new int[k];
        var w = g.window();
        int taps = w.kh() * w.kw();
        for (int i = 0; i < k; i++) {
            int ci = i / taps;
            dy[i] = i % taps / w.kw() * w.dh();
            dx[i] = i % w.kw() * w.dw();
            offset[i] = (ci * g.inH() + dy[i]) * g.inW() + dx[i];
        }
    }

    /** Whether windows reach into padding (without it, every window lies inside the input). */
    boolean padded() {
        return g.window().ph() > 0 || g.window().pw() > 0;
    }

    /** Receives one panel element: its index in the panel and the input index of its value. */
    @FunctionalInterface
    interface Sink {
        void put(int dst, int src);
    }

    /**
     * Visits the elements of the panel of group grp, positions [m0, m0 + count), reductions
     * [kb, ke) that lie inside the input.
     */
    void pack(int grp, int m0, int count, int kb, int ke, Sink sink) {
        int mr = VectorKernels.MR;
        int len = ke - kb;
        int oh = g.outH();
        int ow = g.outW();
        var w = g.window();
        int inH = g.inH();
        int inW = g.inW();
        int cinG = g.inC() / g.groups();
        for (int i = 0; i < count; i++) {
            int d = i / mr * len * mr + i % mr - kb * mr; // panel index of (position i, reduction 0)
            int m = m0 + i;
            int b = m / (oh * ow);
            int y0 = m / ow % oh * w.sh() - w.ph();
            int x0 = m % ow * w.sw() - w.pw();
            int corner = ((b * g.inC() + grp * cinG) * inH + y0) * inW + x0;
            if (y0 >= 0 && y0 + (w.kh() - 1) * w.dh() < inH && x0 >= 0 && x0 + (w.kw() - 1) * w.dw() < inW) {
                for (int k = kb; k < ke; k++) {
                    sink.put(d + k * mr, corner + offset[k]);
                }
            } else {
                for (int k = kb; k < ke; k++) {
                    int iy = y0 + dy[k];
                    int ix = x0 + dx[k];
                    if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                        sink.put(d + k * mr, corner + offset[k]);
                    }
                }
            }
        }
    }
}
