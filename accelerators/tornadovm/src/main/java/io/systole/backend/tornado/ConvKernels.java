package io.systole.backend.tornado;

import static io.systole.backend.tornado.Geometry.BATCH;
import static io.systole.backend.tornado.Geometry.DH;
import static io.systole.backend.tornado.Geometry.DW;
import static io.systole.backend.tornado.Geometry.FOLD;
import static io.systole.backend.tornado.Geometry.IN_C;
import static io.systole.backend.tornado.Geometry.IN_H;
import static io.systole.backend.tornado.Geometry.IN_W;
import static io.systole.backend.tornado.Geometry.KH;
import static io.systole.backend.tornado.Geometry.KW;
import static io.systole.backend.tornado.Geometry.OUTPUT_STATIONARY;
import static io.systole.backend.tornado.Geometry.OUT_C;
import static io.systole.backend.tornado.Geometry.OUT_H;
import static io.systole.backend.tornado.Geometry.OUT_W;
import static io.systole.backend.tornado.Geometry.PH;
import static io.systole.backend.tornado.Geometry.PW;
import static io.systole.backend.tornado.Geometry.RELU;
import static io.systole.backend.tornado.Geometry.SH;
import static io.systole.backend.tornado.Geometry.SW;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * float32 convolution kernels over flat NCHW arrays, as the implicit GEMM of
 * {@link io.systole.sim.ImplicitGemm} with groups 1:
 * <pre>
 *   M = batch * outH * outW positions    m = (b * outH + oy) * outW + ox
 *   K = inC * kH * kW reductions         k = (ci * kH + ky) * kW + kx
 *   N = outC channels                    o
 * </pre>
 * x (batch, inC, inH, inW), w (outC, inC, kH, kW), bias (outC), y (batch, outC, outH, outW); the
 * shape comes from {@link Geometry}. Order of every output (the simulator's): folds of
 * {@code FOLD} reduction indices, each fold's partial sum from {@code 0.0f} built by fused
 * multiply-adds in k order, fold sums added to the accumulator in fold order (an
 * output-stationary array has one fold whose sum is the accumulator), bias added last, then the
 * fused ReLU {@code v > 0 ? v : +0.0f}. Padding reads {@code 0.0f} and still takes its fma step.
 * <p>
 * The multiply-add {@code v * w + p} is written as one expression because TornadoVM's OpenCL
 * compiler turns exactly that shape into OpenCL's {@code fma} (its FMA phase,
 * {@code tornado.enable.fma}, on by default; it does not lower {@link Math#fma}); no other float
 * product is added anywhere in these kernels, so nothing else is contracted. Run as plain Java,
 * the same expression rounds twice: these methods are device kernels, and the simulator is their
 * reference.
 */
public final class ConvKernels {
    /** Reduction indices of the filter slice a work-group holds in local memory. */
    public static final int KT = 128;
    /** Output channels per work-item of {@link #convWs} (its four accumulators). */
    public static final int NR = 4;

    private ConvKernels() {
    }

    /**
     * Weight-stationary, shared-weight: work-group (WG, 1) of global (M rounded up to WG,
     * ceil(outC / NR)) holds a slice of KT reduction indices x NR channels of the filter bank in
     * local memory while its WG positions stream past it; each slice is loaded once and used by
     * every position of the group. A work-item owns one position and NR channels (zeros past
     * outC), each with its own partial sum and accumulator. Work-items past M only help load the
     * slices. Mirrors {@code conv_ws} of the OpenCL kernels with a register tile of one position.
     */
    public static void convWs(KernelContext ctx, IntArray geo, FloatArray x, FloatArray w, FloatArray bias,
            FloatArray y) {
        float[] slice = ctx.allocateFloatLocalArray(KT * NR);
        int inC = geo.get(IN_C);
        int inH = geo.get(IN_H);
        int inW = geo.get(IN_W);
        int outC = geo.get(OUT_C);
        int outH = geo.get(OUT_H);
        int outW = geo.get(OUT_W);
        int kh = geo.get(KH);
        int kw = geo.get(KW);
        int fold = geo.get(FOLD);
        int os = geo.get(OUTPUT_STATIONARY);
        int mTotal = geo.get(BATCH) * outH * outW;
        int kTotal = inC * kh * kw;
        int m = ctx.globalIdx;
        int o0 = ctx.globalIdy * NR;
        int lid = ctx.localIdx;
        int lsize = ctx.localGroupSizeX;
        int mm = m < mTotal ? m : mTotal - 1;
        int ox = mm % outW;
        int oy = mm / outW % outH;
        int b = mm / (outW * outH);
        int y0 = oy * geo.get(SH) - geo.get(PH);
        int x0 = ox * geo.get(SW) - geo.get(PW);
        int dh = geo.get(DH);
        int dw = geo.get(DW);
        float acc0 = 0.0f;
        float acc1 = 0.0f;
        float acc2 = 0.0f;
        float acc3 = 0.0f;
        float p0 = 0.0f;
        float p1 = 0.0f;
        float p2 = 0.0f;
        float p3 = 0.0f;
        int foldEnd = Math.min(kTotal, fold);
        // (ci, ky, kx) of reduction index k, advanced with k instead of divided out of it
        int ci = 0;
        int ky = 0;
        int kx = 0;
        for (int s0 = 0; s0 < kTotal; s0 += KT) {
            int s1 = Math.min(kTotal, s0 + KT);
            ctx.localBarrier();
            for (int e = lid; e < (s1 - s0) * NR; e += lsize) {
                int o = o0 + e % NR;
                slice[e] = o < outC ? w.get(o * kTotal + s0 + e / NR) : 0.0f;
            }
            ctx.localBarrier();
            for (int k = s0; k < s1; k++) {
                int iy = y0 + ky * dh;
                int ix = x0 + kx * dw;
                float v = 0.0f;
                if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                    v = x.get(((b * inC + ci) * inH + iy) * inW + ix);
                }
                int sk = (k - s0) * NR;
                p0 = v * slice[sk] + p0;
                p1 = v * slice[sk + 1] + p1;
                p2 = v * slice[sk + 2] + p2;
                p3 = v * slice[sk + 3] + p3;
                if (k + 1 == foldEnd) {
                    acc0 = os == 1 ? p0 : acc0 + p0;
                    acc1 = os == 1 ? p1 : acc1 + p1;
                    acc2 = os == 1 ? p2 : acc2 + p2;
                    acc3 = os == 1 ? p3 : acc3 + p3;
                    p0 = 0.0f;
                    p1 = 0.0f;
                    p2 = 0.0f;
                    p3 = 0.0f;
                    foldEnd = Math.min(kTotal, foldEnd + fold);
                }
                kx++;
                if (kx == kw) {
                    kx = 0;
                    ky++;
                    if (ky == kh) {
                        ky = 0;
                        ci++;
                    }
                }
            }
        }
        if (m < mTotal) {
            int relu = geo.get(RELU);
            int at = ((b * outC + o0) * outH + oy) * outW + ox;
            int plane = outH * outW;
            store(y, at, acc0, o0, outC, bias, relu);
            store(y, at + plane, acc1, o0 + 1, outC, bias, relu);
            store(y, at + 2 * plane, acc2, o0 + 2, outC, bias, relu);
            store(y, at + 3 * plane, acc3, o0 + 3, outC, bias, relu);
        }
    }

    /** Output channel {@code o}'s value at {@code at}, when o exists: bias last, then the fused ReLU. */
    private static void store(FloatArray y, int at, float acc, int o, int outC, FloatArray bias, int relu) {
        if (o < outC) {
            float r = acc + bias.get(o);
            if (relu == 1) {
                r = r > 0.0f ? r : 0.0f;
            }
            y.set(at, r);
        }
    }

    /**
     * The slow twin of {@link #convWs}: the same order, weights read from global memory, one
     * output per iteration of two parallel loops.
     */
    public static void convReference(IntArray geo, FloatArray x, FloatArray w, FloatArray bias, FloatArray y) {
        int outC = geo.get(OUT_C);
        int outH = geo.get(OUT_H);
        int outW = geo.get(OUT_W);
        int mTotal = geo.get(BATCH) * outH * outW;
        for (@Parallel int o = 0; o < outC; o++) {
            for (@Parallel int m = 0; m < mTotal; m++) {
                int inC = geo.get(IN_C);
                int inH = geo.get(IN_H);
                int inW = geo.get(IN_W);
                int kh = geo.get(KH);
                int kw = geo.get(KW);
                int fold = geo.get(FOLD);
                int kTotal = inC * kh * kw;
                int ox = m % outW;
                int oy = m / outW % outH;
                int b = m / (outW * outH);
                int y0 = oy * geo.get(SH) - geo.get(PH);
                int x0 = ox * geo.get(SW) - geo.get(PW);
                float acc = 0.0f;
                for (int f0 = 0; f0 < kTotal; f0 += fold) {
                    int f1 = Math.min(kTotal, f0 + fold);
                    float p = 0.0f;
                    for (int k = f0; k < f1; k++) {
                        int kx = k % kw;
                        int ky = k / kw % kh;
                        int ci = k / (kw * kh);
                        int iy = y0 + ky * geo.get(DH);
                        int ix = x0 + kx * geo.get(DW);
                        float v = 0.0f;
                        if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                            v = x.get(((b * inC + ci) * inH + iy) * inW + ix);
                        }
                        p = v * w.get(o * kTotal + k) + p;
                    }
                    acc = geo.get(OUTPUT_STATIONARY) == 1 ? p : acc + p;
                }
                float r = acc + bias.get(o);
                if (geo.get(RELU) == 1) {
                    r = r > 0.0f ? r : 0.0f;
                }
                y.set(((b * outC + o) * outH + oy) * outW + ox, r);
            }
        }
    }
}
