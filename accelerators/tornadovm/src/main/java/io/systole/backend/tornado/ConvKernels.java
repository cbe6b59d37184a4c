package io.systole.backend.tornado;

import static io.systole.backend.tornado.Geometry.FOLD;
import static io.systole.backend.tornado.Geometry.GROUPS;
import static io.systole.backend.tornado.Geometry.GROUP_INPUT;
import static io.systole.backend.tornado.Geometry.GROUP_PADDED;
import static io.systole.backend.tornado.Geometry.HW;
import static io.systole.backend.tornado.Geometry.K;
import static io.systole.backend.tornado.Geometry.M;
import static io.systole.backend.tornado.Geometry.MT;
import static io.systole.backend.tornado.Geometry.N;
import static io.systole.backend.tornado.Geometry.NP;
import static io.systole.backend.tornado.Geometry.OUTPUT_STATIONARY;
import static io.systole.backend.tornado.Geometry.OUT_C;
import static io.systole.backend.tornado.Geometry.RELU;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * float32 convolution kernels over flat arrays, as the implicit GEMM of
 * {@link io.systole.sim.ImplicitGemm}, once per group g:
 * <pre>
 *   M = batch * outH * outW positions    m = (b * outH + oy) * outW + ox
 *   K = inC/groups * kH * kW reductions  k = (ci * kH + ky) * kW + kx
 *   N = outC / groups channels           o = g * N + n
 * </pre>
 * x (batch, inC, inH, inW), y (batch, outC, outH, outW); the shape comes from {@link Geometry}
 * and where X[m][k] lives from its im2col table idx (MT, K, MR). Layouts of the weight-stationary
 * kernel: a (groups, MT, K, MR) packed reductions, w (groups, NP, K, NR) weight panels (zeros past
 * N). Order of every output (the simulator's): folds of {@code FOLD} reduction indices, each
 * fold's partial sum from {@code 0.0f} built by fused multiply-adds in k order, fold sums added to
 * the accumulator in fold order (an output-stationary array has one fold whose sum is the
 * accumulator), bias added last, then the fused ReLU {@code v > 0 ? v : +0.0f}. Padding reads
 * {@code 0.0f} and still takes its fma step.
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
    /** Output positions per work-item of the weight-stationary kernels (a position tile). */
    public static final int MR = 8;
    /** Output channels per work-item of the weight-stationary kernels (a channel panel). */
    public static final int NR = 8;

    private ConvKernels() {
    }

    /** The zero-padded input: xp[e] = x[src[e]], {@code 0.0f} where src is -1 ({@link Geometry#padded}). */
    public static void pad(IntArray src, FloatArray x, FloatArray xp) {
        for (@Parallel int e = 0; e < src.getSize(); e++) {
            int at = src.get(e);
            xp.set(e, at < 0 ? 0.0f : x.get(at));
        }
    }

    /**
     * im2col into tile order (groups, MT, K, MR) from the padded input, one work-item per tile t
     * of group g: a[g][t][k][i] = xp[g * GROUP_PADDED + pos[t * MR + i] + off[k]].
     */
    public static void pack(IntArray geo, IntArray pos, IntArray off, FloatArray xp, FloatArray a) {
        int kTotal = geo.get(K);
        int mt = geo.get(MT);
        for (@Parallel int t = 0; t < mt; t++) {
            for (@Parallel int g = 0; g < geo.get(GROUPS); g++) {
                int gp = g * geo.get(GROUP_PADDED);
                int base = (g * mt + t) * kTotal * MR;
                for (int k = 0; k < kTotal; k++) {
                    int o = gp + off.get(k);
                    for (int i = 0; i < MR; i++) {
                        a.set(base + k * MR + i, xp.get(pos.get(t * MR + i) + o));
                    }
                }
            }
        }
    }

    /**
     * Weight-stationary, shared-weight: work-group (WG, 1, 1) of global (MT rounded up to WG, NP,
     * groups) holds a slice of KT reduction indices x NR channels of the weight panels in local
     * memory while its work-items stream their position tiles past it; each slice is loaded once
     * and used by every position of the group. A work-item owns a tile of MR positions x NR
     * channels, each output with its own partial sum and accumulator; work-items past MT only
     * help load the slices. Mirrors {@code conv_ws} of the OpenCL kernels.
     */
    public static void convWs(KernelContext ctx, IntArray geo, FloatArray a, FloatArray w, FloatArray bias,
            FloatArray y) {
        float[] slice = ctx.allocateFloatLocalArray(KT * NR);
        int kTotal = geo.get(K);
        int mt = geo.get(MT);
        int fold = geo.get(FOLD);
        int os = geo.get(OUTPUT_STATIONARY);
        int relu = geo.get(RELU);
        int t = ctx.globalIdx;
        int np = ctx.globalIdy;
        int g = ctx.globalIdz;
        int aBase = (g * mt + Math.min(t, mt - 1)) * kTotal * MR;
        int wBase = (g * geo.get(NP) + np) * kTotal * NR;
        float[] p = new float[MR * NR];
        float[] acc = new float[MR * NR];
        for (int e = 0; e < MR * NR; e++) {
            p[e] = 0.0f;
            acc[e] = 0.0f;
        }
        int foldEnd = Math.min(kTotal, fold);
        for (int s0 = 0; s0 < kTotal; s0 += KT) {
            int s1 = Math.min(kTotal, s0 + KT);
            ctx.localBarrier();
            for (int e = ctx.localIdx; e < (s1 - s0) * NR; e += ctx.localGroupSizeX) {
                slice[e] = w.get(wBase + s0 * NR + e);
            }
            ctx.localBarrier();
            if (t < mt) {
                for (int k0 = s0; k0 < s1;) {
                    // k0 .. end: the part of the current fold inside this slice
                    int end = Math.min(s1, foldEnd);
                    // running offsets: their adds let the compiler see the slice's NR weights side by side
                    int sk = (k0 - s0) * NR;
                    int ak = aBase + k0 * MR;
                    for (int k = k0; k < end; k++) {
                        for (int i = 0; i < MR; i++) {
                            float v = a.get(ak + i);
                            for (int j = 0; j < NR; j++) {
                                p[i * NR + j] = v * slice[sk + j] + p[i * NR + j];
                            }
                        }
                        sk += NR;
                        ak += MR;
                    }
                    if (end == foldEnd) {
                        for (int e = 0; e < MR * NR; e++) {
                            acc[e] = os == 1 ? p[e] : acc[e] + p[e];
                            p[e] = 0.0f;
                        }
                        foldEnd = Math.min(kTotal, foldEnd + fold);
                    }
                    k0 = end;
                }
            }
        }
        int hw = geo.get(HW);
        int n = geo.get(N);
        for (int i = 0; i < MR; i++) {
            int m = t * MR + i;
            if (m < geo.get(M)) {
                for (int j = 0; j < NR; j++) {
                    int o = g * n + np * NR + j;
                    if (np * NR + j < n) {
                        y.set(Geometry.output(m, o, hw, geo.get(OUT_C)), finish(acc[i * NR + j], bias.get(o), relu));
                    }
                }
            }
        }
    }

    /**
     * The slow twin of {@link #convWs}: the same order, inputs through the im2col table and
     * weights (outC, K) from global memory, one output per iteration of two parallel loops.
     */
    public static void convReference(IntArray geo, IntArray idx, FloatArray x, FloatArray w, FloatArray bias,
            FloatArray y) {
        for (@Parallel int o = 0; o < geo.get(OUT_C); o++) {
            for (@Parallel int m = 0; m < geo.get(M); m++) {
                int kTotal = geo.get(K);
                int fold = geo.get(FOLD);
                int g = o / geo.get(N);
                float acc = 0.0f;
                for (int f0 = 0; f0 < kTotal; f0 += fold) {
                    float p = 0.0f;
                    for (int k = f0; k < Math.min(kTotal, f0 + fold); k++) {
                        int at = idx.get((m / MR * kTotal + k) * MR + m % MR);
                        float v = at < 0 ? 0.0f : x.get(at + g * geo.get(GROUP_INPUT));
                        p = v * w.get(o * kTotal + k) + p;
                    }
                    acc = geo.get(OUTPUT_STATIONARY) == 1 ? p : acc + p;
                }
                y.set(Geometry.output(m, o, geo.get(HW), geo.get(OUT_C)), finish(acc, bias.get(o), geo.get(RELU)));
            }
        }
    }

    /** An output from its accumulator: bias last, then the fused ReLU when {@code relu} is 1. */
    private static float finish(float acc, float bias, int relu) {
        float r = acc + bias;
        return relu == 1 ? (r > 0.0f ? r : 0.0f) : r;
    }
}
