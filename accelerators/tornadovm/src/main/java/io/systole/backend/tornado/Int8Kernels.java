package io.systole.backend.tornado;

import static io.systole.backend.tornado.Formats.ACC_BITS;
import static io.systole.backend.tornado.Formats.SATURATE;
import static io.systole.backend.tornado.Formats.ZP_IN;
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
import static io.systole.backend.tornado.ConvKernels.KT;
import static io.systole.backend.tornado.ConvKernels.MR;
import static io.systole.backend.tornado.ConvKernels.NR;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * int8 convolution kernels, the layouts and loops of {@link ConvKernels} in the order of
 * {@link io.systole.arith.Int8}: products {@code (x - zpIn) * w} accumulate fold by fold with the
 * accumulator's overflow rule (format table {@link Formats}); then {@code Operands.Int8Layer.finish}:
 * the bias with the same rule, requantization, the clamp that folds the ReLU. An
 * output-stationary array is one fold of all of K, whose sum joins an accumulator of 0 unchanged.
 * Per output channel o, chan holds (bias, multiplier, shift) at 3o and scales the float scale.
 */
public final class Int8Kernels {
    private Int8Kernels() {
    }

    /** im2col into tile order: a[g][e] = x[idx[e] + g * GROUP_INPUT] - zpIn, 0 where idx is -1 (padding holds zpIn). */
    public static void pack(IntArray geo, IntArray fmt, IntArray idx, ByteArray x, IntArray a) {
        int size = idx.getSize();
        int step = geo.get(GROUP_INPUT);
        int zp = fmt.get(ZP_IN);
        for (@Parallel int g = 0; g < geo.get(GROUPS); g++) {
            for (@Parallel int e = 0; e < size; e++) {
                int at = idx.get(e);
                a.set(g * size + e, at < 0 ? 0 : x.get(at + g * step) - zp);
            }
        }
    }

    /**
     * Weight-stationary, shared-weight, as {@link ConvKernels#convWs}: weight panels w (groups,
     * NP, K, NR) widened to int. A partial sum is held unwrapped in a long (at most K * 255 * 128
     * in magnitude) and, under SATURATE, clamped to the accumulator after every step; a fold's sum
     * joins the accumulator with {@code Int8.accumulate}. Wrapping once there gives what wrapping
     * after every step gives, since wrapping commutes with addition modulo 2^bits.
     */
    public static void convWs(KernelContext ctx, IntArray geo, IntArray fmt, IntArray a, IntArray w, IntArray chan,
            FloatArray scales, ByteArray y) {
        int[] slice = ctx.allocateIntLocalArray(KT * NR);
        int kTotal = geo.get(K);
        int mt = geo.get(MT);
        int fold = geo.get(FOLD);
        int bits = fmt.get(ACC_BITS);
        int sat = fmt.get(SATURATE);
        long hi = sat == 1 ? (1L << (bits - 1)) - 1 : Long.MAX_VALUE >> 1;
        long lo = -hi - 1;
        int t = ctx.globalIdx;
        int np = ctx.globalIdy;
        int g = ctx.globalIdz;
        int aBase = (g * mt + Math.min(t, mt - 1)) * kTotal * MR;
        int wBase = (g * geo.get(NP) + np) * kTotal * NR;
        long[] p = new long[MR * NR];
        int[] acc = new int[MR * NR];
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
                            int v = a.get(ak + i);
                            for (int j = 0; j < NR; j++) {
                                p[i * NR + j] = Math.min(hi, Math.max(lo, p[i * NR + j] + v * slice[sk + j]));
                            }
                        }
                        sk += NR;
                        ak += MR;
                    }
                    if (end == foldEnd) {
                        for (int e = 0; e < MR * NR; e++) {
                            acc[e] = DeviceArith.accumulate(acc[e], p[e], bits, sat);
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
                        y.set(Geometry.output(m, o, hw, geo.get(OUT_C)), finish(acc[i * NR + j], o, fmt, chan, scales));
                    }
                }
            }
        }
    }

    /**
     * The slow twin of {@link #convWs}: {@code Int8.dotWs} step by step ({@code Int8.accumulate}
     * after every product), inputs through the im2col table, int8 weights (outC, K) from global
     * memory, one output per iteration of two parallel loops.
     */
    public static void convReference(IntArray geo, IntArray fmt, IntArray idx, ByteArray x, ByteArray w,
            IntArray chan, FloatArray scales, ByteArray y) {
        for (@Parallel int o = 0; o < geo.get(OUT_C); o++) {
            for (@Parallel int m = 0; m < geo.get(M); m++) {
                int kTotal = geo.get(K);
                int fold = geo.get(FOLD);
                int bits = fmt.get(ACC_BITS);
                int sat = fmt.get(SATURATE);
                int g = o / geo.get(N);
                int acc = 0;
                for (int f0 = 0; f0 < kTotal; f0 += fold) {
                    int p = 0;
                    for (int k = f0; k < Math.min(kTotal, f0 + fold); k++) {
                        int at = idx.get((m / MR * kTotal + k) * MR + m % MR);
                        int v = at < 0 ? 0 : x.get(at + g * geo.get(GROUP_INPUT)) - fmt.get(ZP_IN);
                        p = DeviceArith.accumulate(p, v * w.get(o * kTotal + k), bits, sat);
                    }
                    acc = DeviceArith.accumulate(acc, p, bits, sat);
                }
                y.set(Geometry.output(m, o, geo.get(HW), geo.get(OUT_C)), finish(acc, o, fmt, chan, scales));
            }
        }
    }

    /** {@code Operands.Int8Layer.finish}: bias with the accumulator's rule, requantization, clamp. */
    private static byte finish(int acc, int o, IntArray fmt, IntArray chan, FloatArray scales) {
        int sum = DeviceArith.accumulate(acc, chan.get(3 * o), fmt.get(ACC_BITS), fmt.get(SATURATE));
        int zp = fmt.get(Formats.ZP_OUT);
        int q = fmt.get(Formats.MODE) == 0
                ? DeviceArith.requantize(sum, chan.get(3 * o + 1), chan.get(3 * o + 2), zp, fmt.get(Formats.QMIN),
                        fmt.get(Formats.QMAX))
                : DeviceArith.requantizeFloat(sum, scales.get(o), zp, fmt.get(Formats.QMIN), fmt.get(Formats.QMAX));
        return (byte) q;
    }
}
