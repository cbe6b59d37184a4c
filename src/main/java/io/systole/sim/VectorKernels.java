package io.systole.sim;

import io.systole.arith.Int8Format;
import io.systole.arith.OverflowCounter;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast engine's kernels. Work is split into tasks of {@link FastEngine#BLOCK} output
 * positions by {@value #CHANNELS} output channels of one group, run on all cores. A task
 * gathers its positions' im2col rows into a panel (BLOCK, K) and multiplies it by the group's
 * weights, transposed once per layer into
 * (K, Npad) with Npad the group's channels rounded up to two vectors (padding lanes are zero and
 * their results dropped). The inner kernel holds 4 positions x 2 vectors of channels in
 * registers; each lane is one output, so every output keeps its own order of operations.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;

    private VectorKernels() {
    }

    /** Side of the square blocks the weight transposition works in, for cache locality. */
    private static final int TILE = 8;
    /** Output channels per parallel task (a multiple of every vector length). */
    private static final int CHANNELS = 128;

    /** Copies weight {@code src} of (outC, K) to {@code dst} of group grp's (K, Npad). */
    @FunctionalInterface
    private interface Copy {
        void copy(int grp, int src, int dst);
    }

    /**
     * Transposes (outC, K) weights into one (K, Npad) array per group, Npad a multiple of
     * 2 * lanes (the padding stays zero), in TILE x TILE blocks, blocks of channels in parallel.
     */
    private static void transpose(int groups, int k, int n, int npad, Copy copy) {
        int tiles = (n + TILE - 1) / TILE;
        IntStream.range(0, groups * tiles).parallel().forEach(task -> {
            int grp = task / tiles;
            int j0 = task % tiles * TILE;
            for (int i0 = 0; i0 < k; i0 += TILE) {
                for (int j = j0; j < Math.min(n, j0 + TILE); j++) {
                    int src = (grp * n + j) * k;
                    for (int i = i0; i < Math.min(k, i0 + TILE); i++) {
                        copy.copy(grp, src + i, i * npad + j);
                    }
                }
            }
        });
    }

    /** One task: positions [m0, m0 + count) of group grp by padded channels [n0, n1). */
    @FunctionalInterface
    private interface Task {
        void run(int task, int grp, int m0, int count, int n0, int n1);
    }

    private static int tasks(ImplicitGemm g, int npad) {
        return g.groups() * ((g.m() + FastEngine.BLOCK - 1) / FastEngine.BLOCK) * ((npad + CHANNELS - 1) / CHANNELS);
    }

    /** Runs every task of a layer on all cores. */
    private static void forEachTask(ImplicitGemm g, int npad, Task t) {
        int blocks = (g.m() + FastEngine.BLOCK - 1) / FastEngine.BLOCK;
        int chunks = (npad + CHANNELS - 1) / CHANNELS;
        IntStream.range(0, tasks(g, npad)).parallel().forEach(task -> {
            int m0 = task / chunks % blocks * FastEngine.BLOCK;
            int n0 = task % chunks * CHANNELS;
            t.run(task, task / (blocks * chunks), m0, Math.min(FastEngine.BLOCK, g.m() - m0), n0,
                    Math.min(npad, n0 + CHANNELS));
        });
    }

    private static int padded(int n, int lanes) {
        int step = 2 * lanes;
        return (n + step - 1) / step * step;
    }

    /**
     * float32: per output, partial sums of {@code fold} reduction indices start at +0.0 and take
     * fused multiply-adds in order (Float32Order.mac, lane by lane); WS adds each fold's partial
     * sum to the accumulator (Float32Order.foldAdd), OS has one fold whose chain is the result;
     * then the bias (Float32Order.addBias via {@link Operands.F32Layer#finish}).
     */
    static void f32(ImplicitGemm g, Operands.F32Layer op, float[] x, float[] y, int fold, boolean os) {
        int k = g.k();
        int n = g.n();
        int lanes = FS.length();
        int npad = padded(n, lanes);
        float[] w = op.weight();
        float[][] wt = new float[g.groups()][k * npad];
        transpose(g.groups(), k, n, npad, (grp, src, dst) -> wt[grp][dst] = w[src]);
        forEachTask(g, npad, (task, grp, m0, count, n0, n1) -> {
            float[] panel = new float[count * k];
            int[] idx = new int[k];
            for (int i = 0; i < count; i++) {
                g.inputIndex(grp, m0 + i, idx);
                for (int kk = 0; kk < k; kk++) {
                    panel[i * k + kk] = idx[kk] < 0 ? 0.0f : x[idx[kk]];
                }
            }
            float[] acc = new float[4 * 2 * lanes];
            for (int nb = n0; nb < n1; nb += 2 * lanes) {
                int i = 0;
                for (; i + 4 <= count; i += 4) {
                    f32Block4(panel, i * k, k, wt[grp], npad, nb, fold, os, acc);
                    store(g, op, y, grp, m0 + i, 4, nb, acc, lanes);
                }
                for (; i < count; i++) {
                    f32Block1(panel, i * k, k, wt[grp], npad, nb, fold, os, acc);
                    store(g, op, y, grp, m0 + i, 1, nb, acc, lanes);
                }
            }
        });
    }

    private static void store(ImplicitGemm g, Operands.F32Layer op, float[] y, int grp, int m, int rows, int nb,
            float[] acc, int lanes) {
        int n = g.n();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 2 * lanes && nb + j < n; j++) {
                int o = grp * n + nb + j;
                y[g.outputIndex(m + r, o)] = op.finish(acc[r * 2 * lanes + j], o);
            }
        }
    }

    /** Four positions (panel rows at p, p+K, p+2K, p+3K) x two vectors of channels from nb. */
    private static void f32Block4(float[] panel, int p, int k, float[] wt, int npad, int nb, int fold, boolean os,
            float[] out) {
        int lanes = FS.length();
        FloatVector zero = FloatVector.zero(FS);
        FloatVector a00 = zero;
        FloatVector a01 = zero;
        FloatVector a10 = zero;
        FloatVector a11 = zero;
        FloatVector a20 = zero;
        FloatVector a21 = zero;
        FloatVector a30 = zero;
        FloatVector a31 = zero;
        for (int k0 = 0; k0 < k; k0 += fold) {
            int k1 = Math.min(k, k0 + fold);
            FloatVector p00 = zero;
            FloatVector p01 = zero;
            FloatVector p10 = zero;
            FloatVector p11 = zero;
            FloatVector p20 = zero;
            FloatVector p21 = zero;
            FloatVector p30 = zero;
            FloatVector p31 = zero;
            for (int kk = k0; kk < k1; kk++) {
                int wo = kk * npad + nb;
                FloatVector w0 = FloatVector.fromArray(FS, wt, wo);
                FloatVector w1 = FloatVector.fromArray(FS, wt, wo + lanes);
                FloatVector x0 = FloatVector.broadcast(FS, panel[p + kk]);
                p00 = x0.fma(w0, p00);
                p01 = x0.fma(w1, p01);
                FloatVector x1 = FloatVector.broadcast(FS, panel[p + k + kk]);
                p10 = x1.fma(w0, p10);
                p11 = x1.fma(w1, p11);
                FloatVector x2 = FloatVector.broadcast(FS, panel[p + 2 * k + kk]);
                p20 = x2.fma(w0, p20);
                p21 = x2.fma(w1, p21);
                FloatVector x3 = FloatVector.broadcast(FS, panel[p + 3 * k + kk]);
                p30 = x3.fma(w0, p30);
                p31 = x3.fma(w1, p31);
            }
            if (os) {
                a00 = p00;
                a01 = p01;
                a10 = p10;
                a11 = p11;
                a20 = p20;
                a21 = p21;
                a30 = p30;
                a31 = p31;
            } else {
                a00 = a00.add(p00);
                a01 = a01.add(p01);
                a10 = a10.add(p10);
                a11 = a11.add(p11);
                a20 = a20.add(p20);
                a21 = a21.add(p21);
                a30 = a30.add(p30);
                a31 = a31.add(p31);
            }
        }
        int s = 2 * lanes;
        a00.intoArray(out, 0);
        a01.intoArray(out, lanes);
        a10.intoArray(out, s);
        a11.intoArray(out, s + lanes);
        a20.intoArray(out, 2 * s);
        a21.intoArray(out, 2 * s + lanes);
        a30.intoArray(out, 3 * s);
        a31.intoArray(out, 3 * s + lanes);
    }

    /** One position (panel row at p) x two vectors of channels from nb. */
    private static void f32Block1(float[] panel, int p, int k, float[] wt, int npad, int nb, int fold, boolean os,
            float[] out) {
        int lanes = FS.length();
        FloatVector zero = FloatVector.zero(FS);
        FloatVector a0 = zero;
        FloatVector a1 = zero;
        for (int k0 = 0; k0 < k; k0 += fold) {
            int k1 = Math.min(k, k0 + fold);
            FloatVector p0 = zero;
            FloatVector p1 = zero;
            for (int kk = k0; kk < k1; kk++) {
                int wo = kk * npad + nb;
                FloatVector x0 = FloatVector.broadcast(FS, panel[p + kk]);
                p0 = x0.fma(FloatVector.fromArray(FS, wt, wo), p0);
                p1 = x0.fma(FloatVector.fromArray(FS, wt, wo + lanes), p1);
            }
            a0 = os ? p0 : a0.add(p0);
            a1 = os ? p1 : a1.add(p1);
        }
        a0.intoArray(out, 0);
        a1.intoArray(out, lanes);
    }

    /**
     * Whether no int8 partial sum or accumulator of this layer can leave the accumulator's range:
     * each is a sum of some of an output's K products, so its magnitude is at most
     * K * max|x - zp| * max|w|.
     */
    static boolean int8Exact(ImplicitGemm g, Operands.Int8Layer op, byte[] x, Int8Format f) {
        int zp = op.inputZeroPoint();
        int maxX = 0;
        for (byte v : x) {
            maxX = Math.max(maxX, Math.abs(v - zp));
        }
        int maxW = 0;
        for (byte w : op.weight()) {
            maxW = Math.max(maxW, Math.abs(w));
        }
        return (long) g.k() * maxX * maxW <= f.accMax();
    }

    /**
     * int8 when {@link #int8Exact} holds: the exact integer sum of (x - zp) * w over K (padding
     * holds zp, so its products are 0), then the bias and requantization of
     * {@link Operands.Int8Layer#finish}, which count any overflow of the bias step.
     */
    static void int8(ImplicitGemm g, Operands.Int8Layer op, byte[] x, byte[] y, Int8Format f,
            OverflowCounter counter) {
        int k = g.k();
        int n = g.n();
        int lanes = IS.length();
        int npad = padded(n, lanes);
        int zp = op.inputZeroPoint();
        byte[] w = op.weight();
        int[][] wt = new int[g.groups()][k * npad];
        transpose(g.groups(), k, n, npad, (grp, src, dst) -> wt[grp][dst] = w[src]);
        OverflowCounter[] counters = new OverflowCounter[tasks(g, npad)];
        forEachTask(g, npad, (task, grp, m0, count, n0, n1) -> {
            OverflowCounter c = new OverflowCounter();
            counters[task] = c;
            int[] panel = new int[count * k];
            int[] idx = new int[k];
            for (int i = 0; i < count; i++) {
                g.inputIndex(grp, m0 + i, idx);
                for (int kk = 0; kk < k; kk++) {
                    panel[i * k + kk] = idx[kk] < 0 ? 0 : x[idx[kk]] - zp;
                }
            }
            int[] acc = new int[4 * 2 * lanes];
            for (int nb = n0; nb < n1; nb += 2 * lanes) {
                int i = 0;
                for (; i + 4 <= count; i += 4) {
                    int8Block4(panel, i * k, k, wt[grp], npad, nb, acc);
                    store(g, op, y, grp, m0 + i, 4, nb, acc, lanes, f, c);
                }
                for (; i < count; i++) {
                    int8Block1(panel, i * k, k, wt[grp], npad, nb, acc);
                    store(g, op, y, grp, m0 + i, 1, nb, acc, lanes, f, c);
                }
            }
        });
        for (OverflowCounter c : counters) {
            counter.merge(c);
        }
    }

    private static void store(ImplicitGemm g, Operands.Int8Layer op, byte[] y, int grp, int m, int rows, int nb,
            int[] acc, int lanes, Int8Format f, OverflowCounter counter) {
        int n = g.n();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 2 * lanes && nb + j < n; j++) {
                int o = grp * n + nb + j;
                y[g.outputIndex(m + r, o)] = op.finish(acc[r * 2 * lanes + j], o, f, counter);
            }
        }
    }

    private static void int8Block4(int[] panel, int p, int k, int[] wt, int npad, int nb, int[] out) {
        int lanes = IS.length();
        IntVector zero = IntVector.zero(IS);
        IntVector a00 = zero;
        IntVector a01 = zero;
        IntVector a10 = zero;
        IntVector a11 = zero;
        IntVector a20 = zero;
        IntVector a21 = zero;
        IntVector a30 = zero;
        IntVector a31 = zero;
        for (int kk = 0; kk < k; kk++) {
            int wo = kk * npad + nb;
            IntVector w0 = IntVector.fromArray(IS, wt, wo);
            IntVector w1 = IntVector.fromArray(IS, wt, wo + lanes);
            IntVector x0 = IntVector.broadcast(IS, panel[p + kk]);
            a00 = w0.mul(x0).add(a00);
            a01 = w1.mul(x0).add(a01);
            IntVector x1 = IntVector.broadcast(IS, panel[p + k + kk]);
            a10 = w0.mul(x1).add(a10);
            a11 = w1.mul(x1).add(a11);
            IntVector x2 = IntVector.broadcast(IS, panel[p + 2 * k + kk]);
            a20 = w0.mul(x2).add(a20);
            a21 = w1.mul(x2).add(a21);
            IntVector x3 = IntVector.broadcast(IS, panel[p + 3 * k + kk]);
            a30 = w0.mul(x3).add(a30);
            a31 = w1.mul(x3).add(a31);
        }
        int s = 2 * lanes;
        a00.intoArray(out, 0);
        a01.intoArray(out, lanes);
        a10.intoArray(out, s);
        a11.intoArray(out, s + lanes);
        a20.intoArray(out, 2 * s);
        a21.intoArray(out, 2 * s + lanes);
        a30.intoArray(out, 3 * s);
        a31.intoArray(out, 3 * s + lanes);
    }

    private static void int8Block1(int[] panel, int p, int k, int[] wt, int npad, int nb, int[] out) {
        int lanes = IS.length();
        IntVector a0 = IntVector.zero(IS);
        IntVector a1 = IntVector.zero(IS);
        for (int kk = 0; kk < k; kk++) {
            int wo = kk * npad + nb;
            IntVector x0 = IntVector.broadcast(IS, panel[p + kk]);
            a0 = IntVector.fromArray(IS, wt, wo).mul(x0).add(a0);
            a1 = IntVector.fromArray(IS, wt, wo + lanes).mul(x0).add(a1);
        }
        a0.intoArray(out, 0);
        a1.intoArray(out, lanes);
    }
}
