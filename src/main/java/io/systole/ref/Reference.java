package io.systole.ref;

import io.systole.model.Window;

/**
 * The float32 reference kernels: plain loops over flat row-major arrays, obviously correct, the
 * specification every fast path is compared against. Each output of a convolution or dense
 * layer accumulates its products in reduction order (input channel, kernel row, kernel column)
 * with plain float adds starting from zero, then adds the bias.
 */
public final class Reference {
    private Reference() {
    }

    /**
     * Convolution. x (n, inC, h, w); weight (outC, inC/groups, kH, kW); bias (outC) or null;
     * returns (n, outC, outH, outW).
     */
    public static float[] conv2d(float[] x, int n, int inC, int h, int w, float[] weight, float[] bias,
            int outC, int groups, Window win) {
        int outH = Window.outSize("conv2d", "height", h, win.kh(), win.sh(), win.ph(), win.dh());
        int outW = Window.outSize("conv2d", "width", w, win.kw(), win.sw(), win.pw(), win.dw());
        int cinG = inC / groups;
        int coutG = outC / groups;
        float[] y = new float[n * outC * outH * outW];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < outC; o++) {
                int g = o / coutG;
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        float acc = 0f;
                        for (int ci = 0; ci < cinG; ci++) {
                            int c = g * cinG + ci;
                            for (int ky = 0; ky < win.kh(); ky++) {
                                int iy = oy * win.sh() - win.ph() + ky * win.dh();
                                for (int kx = 0; kx < win.kw(); kx++) {
                                    int ix = ox * win.sw() - win.pw() + kx * win.dw();
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        acc += x[((b * inC + c) * h + iy) * w + ix]
                                                * weight[((o * cinG + ci) * win.kh() + ky) * win.kw() + kx];
                                    }
                                }
                            }
                        }
                        y[((b * outC + o) * outH + oy) * outW + ox] = bias == null ? acc : acc + bias[o];
                    }
                }
            }
        }
        return y;
    }

    /** Max (avg=false) or average pooling per channel. x (n, c, h, w); returns (n, c, outH, outW). */
    public static float[] pool2d(float[] x, int n, int c, int h, int w, Window win, boolean avg,
            boolean countIncludePad) {
        int outH = Window.outSize("pool2d", "height", h, win.kh(), win.sh(), win.ph(), 1);
        int outW = Window.outSize("pool2d", "width", w, win.kw(), win.sw(), win.pw(), 1);
        float[] y = new float[n * c * outH * outW];
        for (int p = 0; p < n * c; p++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    float acc = avg ? 0f : Float.NEGATIVE_INFINITY;
                    int count = 0;
                    for (int ky = 0; ky < win.kh(); ky++) {
                        int iy = oy * win.sh() - win.ph() + ky;
                        for (int kx = 0; kx < win.kw(); kx++) {
                            int ix = ox * win.sw() - win.pw() + kx;
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            float v = inside ? x[(p * h + iy) * w + ix] : 0f;
                            if (avg) {
                                acc += v;
                                count += inside || countIncludePad ? 1 : 0;
                            } else if (inside) {
                                acc = Math.max(acc, v);
                            }
                        }
                    }
                    y[(p * outH + oy) * outW + ox] = avg ? acc / count : acc;
                }
            }
        }
        return y;
    }

    /** Dense: x (n, in); weight (out, in); bias (out) or null; returns (n, out). */
    public static float[] dense(float[] x, int n, int in, float[] weight, float[] bias, int out) {
        float[] y = new float[n * out];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                float acc = 0f;
                for (int i = 0; i < in; i++) {
                    acc += x[b * in + i] * weight[o * in + i];
                }
                y[b * out + o] = bias == null ? acc : acc + bias[o];
            }
        }
        return y;
    }

    public static float[] relu(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0f, x[i]);
        }
        return y;
    }

    /**
     * Softmax over each row of x (n, f): e_i = exp(x_i - max) rounded to float, summed in order
     * in float, then e_i / sum.
     */
    public static float[] softmax(float[] x, int n, int f) {
        float[] y = new float[x.length];
        for (int b = 0; b < n; b++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < f; i++) {
                max = Math.max(max, x[b * f + i]);
            }
            float sum = 0f;
            for (int i = 0; i < f; i++) {
                y[b * f + i] = (float) Math.exp(x[b * f + i] - max);
                sum += y[b * f + i];
            }
            for (int i = 0; i < f; i++) {
                y[b * f + i] /= sum;
            }
        }
        return y;
    }

    public static float[] add(float[] a, float[] b) {
        float[] y = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }
}
