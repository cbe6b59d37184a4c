package io.systole.backend.tornado;

import static io.systole.backend.tornado.ConvKernels.KT;
import static io.systole.backend.tornado.ConvKernels.MR;
import static io.systole.backend.tornado.ConvKernels.NR;
import static io.systole.backend.tornado.Formats.ACC_F;
import static io.systole.backend.tornado.Formats.ACC_O;
import static io.systole.backend.tornado.Formats.ACC_Q;
import static io.systole.backend.tornado.Formats.ACC_W;
import static io.systole.backend.tornado.Formats.OUT_F;
import static io.systole.backend.tornado.Formats.OUT_O;
import static io.systole.backend.tornado.Formats.OUT_Q;
import static io.systole.backend.tornado.Formats.OUT_W;
import static io.systole.backend.tornado.Formats.PRODUCT_F;
import static io.systole.backend.tornado.Geometry.FOLD;
import static io.systole.backend.tornado.Geometry.GROUPS;
import static io.systole.backend.tornado.Geometry.GROUP_INPUT;
import static io.systole.backend.tornado.Geometry.HW;
import static io.systole.backend.tornado.Geometry.K;
import static io.systole.backend.tornado.Geometry.M;
import static io.systole.backend.tornado.Geometry.MT;
import static io.systole.backend.tornado.Geometry.N;
import static io.systole.backend.tornado.Geometry.NP;
import static io.systole.backend.tornado.Geometry.OUT_C;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;

/**
 * Fixed-point convolution kernels, the layouts and loops of {@link ConvKernels} in the order of
 * {@link io.systole.arith.FixedMac}: activations, weights and outputs are raw values of the data
 * format, partial sums and accumulators raw values of the accumulator format (format table
 * {@link Formats}); {@code FixedMac.finish} adds the bias (raw, accumulator format), converts
 * into the data format and applies the ReLU. An output-stationary array is one fold of all of K,
 * whose sum joins an accumulator of 0 unchanged.
 */
public final class FixedKernels {
    private FixedKernels() {
    }

    /** im2col into tile order: a[g][e] = x[idx[e] + g * GROUP_INPUT], 0 where idx is -1. */
    public static void pack(IntArray geo, IntArray idx, IntArray x, IntArray a) {
        int size = idx.getSize();
        int step = geo.get(GROUP_INPUT);
        for (@Parallel int g = 0; g < geo.get(GROUPS); g++) {
            for (@Parallel int e = 0; e < size; e++) {
                int at = idx.get(e);
                a.set(g * size + e, at < 0 ? 0 : x.get(at + g * step));
            }
        }
    }

    /**
     * Weight-stationary, shared-weight, as {@link ConvKernels#convWs}, weight panels w (groups,
     * NP, K, NR). The array's accumulator ({@code ArrayConfig.accumulatorFormat}) wraps and has
     * the 2F fraction bits of a product, so {@code FixedMac.accumulate} of a product is an add
     * modulo 2^64 wrapped to the accumulator's width: the partial sums add products modulo 2^64,
     * and the fold's {@code FixedMac.add} wraps once, which gives what wrapping after every step
     * gives.
     */
    public static void convWs(KernelContext ctx, IntArray geo, IntArray fmt, IntArray a, IntArray w, LongArray bias,
            IntArray y) {
        int[] slice = ctx.allocateIntLocalArray(KT * NR);
        int kTotal = geo.get(K);
        int mt = geo.get(MT);
        int fold = geo.get(FOLD);
        int width = fmt.get(ACC_W);
        int overflow = fmt.get(ACC_O);
        int t = ctx.globalIdx;
        int np = ctx.globalIdy;
        int g = ctx.globalIdz;
        int aBase = (g * mt + Math.min(t, mt - 1)) * kTotal * MR;
        int wBase = (g * geo.get(NP) + np) * kTotal * NR;
        long[] p = new long[MR * NR];
        long[] acc = new long[MR * NR];
        for (int e = 0; e < MR * NR; e++) {
            p[e] = 0;
            acc[e] = 0;
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
                    int end = Math.min(s1, foldEnd);
                    int sk = (k0 - s0) * NR;
                    int ak = aBase + k0 * MR;
                    for (int k = k0; k < end; k++) {
                        for (int i = 0; i < MR; i++) {
                            long v = a.get(ak + i);
                            for (int j = 0; j < NR; j++) {
                                p[i * NR + j] = p[i * NR + j] + v * slice[sk + j];
                            }
                        }
                        sk += NR;
                        ak += MR;
                    }
                    if (end == foldEnd) {
                        for (int e = 0; e < MR * NR; e++) {
                            acc[e] = DeviceArith.add(width, overflow, acc[e], p[e]);
                            p[e] = 0;
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
                        y.set(Geometry.output(m, o, hw, geo.get(OUT_C)), finish(acc[i * NR + j], o, fmt, bias));
                    }
                }
            }
        }
    }

    /**
     * The slow twin of {@link #convWs}: {@code FixedMac.dotWs} step by step (the accumulator
     * format's rounding and overflow after every product), inputs through the im2col table, raw
     * weights (outC, K) from global memory, one output per iteration of two parallel loops.
     */
    public static void convReference(IntArray geo, IntArray fmt, IntArray idx, IntArray x, IntArray w,
            LongArray bias, IntArray y) {
        for (@Parallel int o = 0; o < geo.get(OUT_C); o++) {
            for (@Parallel int m = 0; m < geo.get(M); m++) {
                int kTotal = geo.get(K);
                int fold = geo.get(FOLD);
                int width = fmt.get(ACC_W);
                int frac = fmt.get(ACC_F);
                int rounding = fmt.get(ACC_Q);
                int overflow = fmt.get(ACC_O);
                int g = o / geo.get(N);
                long acc = 0;
                for (int f0 = 0; f0 < kTotal; f0 += fold) {
                    long p = 0;
                    for (int k = f0; k < Math.min(kTotal, f0 + fold); k++) {
                        int at = idx.get((m / MR * kTotal + k) * MR + m % MR);
                        long v = at < 0 ? 0 : x.get(at + g * geo.get(GROUP_INPUT));
                        p = DeviceArith.accumulate(width, frac, rounding, overflow, p, v * w.get(o * kTotal + k),
                                fmt.get(PRODUCT_F));
                    }
                    acc = DeviceArith.add(width, overflow, acc, p);
                }
                y.set(Geometry.output(m, o, geo.get(HW), geo.get(OUT_C)), finish(acc, o, fmt, bias));
            }
        }
    }

    /** {@code FixedMac.finish} into the data format. */
    private static int finish(long acc, int o, IntArray fmt, LongArray bias) {
        return (int) DeviceArith.finish(acc, bias.get(o), fmt.get(ACC_W), fmt.get(ACC_F), fmt.get(ACC_O),
                fmt.get(OUT_W), fmt.get(OUT_F), fmt.get(OUT_Q), fmt.get(OUT_O), fmt.get(Formats.RELU));
    }
}
