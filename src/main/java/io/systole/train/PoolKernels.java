package io.systole.train;

import io.systole.model.Window;

/**
 * Gradients of pooling, the inverse of {@link io.systole.ref.Reference#pool2d} (which is also
 * the forward pass used in training). Windows are visited in the same order as the forward.
 */
public final class PoolKernels {
    private PoolKernels() {
    }

    /**
     * Input gradient (n, c, h, w) for dy (n, c, outH, outW). Max: each output's gradient goes to
     * the first element of its window (row-major window order) holding the window's maximum;
     * padding never wins. Average: each output's gradient divided by the window's count goes to
     * every element inside the input; padded positions take none (but count in the divisor when
     * {@code countIncludePad}).
     */
    public static float[] backward(float[] x, int n, int c, int h, int w, Window win, boolean avg,
            boolean countIncludePad, float[] dy) {
        int outH = win.outH("pool2d", h);
        int outW = win.outW("pool2d", w);
        float[] dx = new float[n * c * h * w];
        for (int pl = 0; pl < n * c; pl++) {
            int xo = pl * h * w;
            for (int oy = 0; oy < outH; oy++) {
                int y0 = oy * win.sh() - win.ph();
                int yLo = Math.max(0, y0);
                int yHi = Math.min(h, y0 + win.kh());
                for (int ox = 0; ox < outW; ox++) {
                    int x0 = ox * win.sw() - win.pw();
                    int xLo = Math.max(0, x0);
                    int xHi = Math.min(w, x0 + win.kw());
                    float g = dy[(pl * outH + oy) * outW + ox];
                    if (avg) {
                        int count = countIncludePad ? win.kh() * win.kw() : (yHi - yLo) * (xHi - xLo);
                        float share = g / count;
                        for (int iy = yLo; iy < yHi; iy++) {
                            for (int ix = xLo; ix < xHi; ix++) {
                                dx[xo + iy * w + ix] += share;
                            }
                        }
                    } else {
                        int best = xo + yLo * w + xLo;
                        for (int iy = yLo; iy < yHi; iy++) {
                            for (int ix = xLo; ix < xHi; ix++) {
                                if (x[xo + iy * w + ix] > x[best]) {
                                    best = xo + iy * w + ix;
                                }
                            }
                        }
                        dx[best] += g;
                    }
                }
            }
        }
        return dx;
    }
}
