package io.systole.sim;

import io.systole.arith.Int8Format;
import io.systole.arith.OverflowCounter;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast engine's kernels, blocked like a BLIS matrix product with every lane one output.
 *
 * <p>Weights: each group's (outC, K) weights are packed once per weight array (cached by
 * identity beside a copy of the values it was packed from, so weights changed in place, as
 * training does, are packed again) into slivers of {@code NR}
 * channels, two vectors: sliver c holds W[k][c*NR .. c*NR+NR) for k = 0..K contiguously, padding
 * channels zero (their results are dropped).
 *
 * <p>float32: work is split into tasks of {@value #POSITIONS} output positions by
 * {@value #CHANNELS} output channels of one group, run on all cores. A task packs its im2col rows
 * once into a panel of {@value #MR}-position slivers (k-major, the positions of one k adjacent;
 * missing positions zero). The reduction is walked in chunks of about {@value #KC} indices, whole
 * folds for weight-stationary, so that a weight sliver's chunk stays in L1 while every position
 * sliver of the task uses it and the panel's chunk stays in L2. The micro-kernel holds
 * {@value #MR} positions x 2 vectors of channels of partial sums in registers; per fold they start
 * at +0.0 and take fused multiply-adds in reduction order, then are added to the task's
 * accumulators (an array, +0.0 at first); output-stationary chains instead resume from and return
 * to that array across chunks. Each lane is one output, so every output keeps its own order of
 * operations.
 *
 * <p>int8: tasks of {@link FastEngine#BLOCK} positions by {@value #CHANNELS} channels; a kernel of
 * 4 positions x 2 vectors over all K (the exact integer sum does not depend on the order).
 */
final class VectorKernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;

    private VectorKernels() {
    }

    /** Side of the square blocks the weight packing works in, for cache locality. */
    private static final int TILE = 8;
    /** Output channels per parallel task (a multiple of every sliver width). */
    private static final int CHANNELS = 128;
    /** float32 positions per micro-kernel. */
    private static final int MR = 6;
    /** float32 output positions per parallel task, a multiple of MR. */
    private static final int POSITIONS = 16 * MR;
    /** Target reduction indices per float32 chunk. */
    private static final int KC = 256;

    /** Packed weights by weight array, with the layer shape they were packed for. */
    private static final Map<Object, Packed> PACKED = Collections.synchronizedMap(new WeakHashMap<>());

    private record Packed(int groups, int k, int n, int lanes, Object values, Object slivers) {
        boolean fits(Object weight, ImplicitGemm g, int lanes) {
            return groups == g.groups() && k == g.k() && n == g.n() && this.lanes == lanes
                    && java.util.Objects.deepEquals(values, weight);
        }
    }

    /** Copies weight {@code src} of (outC, K) to {@code dst} of group grp's slivers. */
    @FunctionalInterface
    private interface Copy {
        void copy(int grp, int src, int dst);
    }

    /**
     * The slivers of {@code weight} for layer g (see the class comment), from the cache or packed
     * by {@code pack}, which allocates one array per group and fills it through {@link #pack}.
     */
    @SuppressWarnings("unchecked")
    private static <T> T[] slivers(Object weight, ImplicitGemm g, int lanes, IntFunction<T[]> pack) {
        Packed p = PACKED.get(weight);
        if (p == null || !p.fits(weight, g, lanes)) {
            p = new Packed(g.groups(), g.k(), g.n(), lanes, copy(weight), pack.apply(g.k() * padded(g.n(), lanes)));
            PACKED.put(weight, p);
        }
        return (T[]) p.slivers();
    }

    private static Object copy(Object weight) {
        return switch (weight) {
            case float[] f -> f.clone();
            case byte[] b -> b.clone();
            case int[] i -> i.clone();
            default -> throw new IllegalArgumentException("weights are float[], byte[] or int[], not " + weight);
        };
    }

    /**
     * Packs (outC, K) weights into slivers of 2 * lanes channels per group, in TILE x TILE blocks,
     * blocks of channels in parallel.
     */
    private static void pack(int groups, int k, int n, int lanes, Copy copy) {
        int nr = 2 * lanes;
        int tiles = (n + TILE - 1) / TILE;
        IntStream.range(0, groups * tiles).parallel().forEach(task -> {
            int grp = task / tiles;
            int j0 = task % tiles * TILE;
            for (int i0 = 0; i0 < k; i0 += TILE) {
                for (int j = j0; j < Math.min(n, j0 + TILE); j++) {
                    int src = (grp * n + j) * k;
                    int dst = j / nr * k * nr + j % nr;
                    for (int i = i0; i < Math.min(k, i0 + TILE); i++) {
                        copy.copy(grp, src + i, dst + i * nr);
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

    private static int tasks(ImplicitGemm g, int positions, int npad) {
        return g.groups() * ((g.m() + positions - 1) / positions) * ((npad + CHANNELS - 1) / CHANNELS);
    }

    /** Runs every task of a layer, {@code positions} by {@value #CHANNELS}, on all cores. */
    private static void forEachTask(ImplicitGemm g, int positions, int npad, Task t) {
        int blocks = (g.m() + positions - 1) / positions;
        int chunks = (npad + CHANNELS - 1) / CHANNELS;
        IntStream.range(0, tasks(g, positions, npad)).parallel().forEach(task -> {
            int m0 = task / chunks % blocks * positions;
            int n0 = task % chunks * CHANNELS;
            t.run(task, task / (blocks * chunks), m0, Math.min(positions, g.m() - m0), n0,
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
        int nr = 2 * lanes;
        int npad = padded(n, lanes);
        float[] w = op.weight();
        float[][] wp = slivers(w, g, lanes, size -> {
            float[][] s = new float[g.groups()][size];
            pack(g.groups(), k, n, lanes, (grp, src, dst) -> s[grp][dst] = w[src]);
            return s;
        });
        int chunk = os ? KC : Math.max(1, KC / fold) * fold;
        forEachTask(g, POSITIONS, npad, (task, grp, m0, count, n0, n1) -> {
            int slivers = (count + MR - 1) / MR;
            float[] panel = new float[slivers * MR * k];
            int[] idx = new int[k];
            for (int i = 0; i < count; i++) {
                g.inputIndex(grp, m0 + i, idx);
                int base = i / MR * MR * k + i % MR;
                for (int kk = 0; kk < k; kk++) {
                    panel[base + kk * MR] = idx[kk] < 0 ? 0.0f : x[idx[kk]];
                }
            }
            int width = n1 - n0;
            float[] acc = new float[slivers * MR * width];
            for (int kb = 0; kb < k; kb += chunk) {
                int ke = Math.min(k, kb + chunk);
                for (int nb = n0; nb < n1; nb += nr) {
                    int wo = nb / nr * k * nr;
                    for (int s = 0; s < slivers; s++) {
                        f32Kernel(panel, s * MR * k, wp[grp], wo, kb, ke, fold, os, acc,
                                (s * width + nb - n0) * MR);
                    }
                }
            }
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < width && n0 + j < n; j++) {
                    int o = grp * n + n0 + j;
                    float a = acc[(i / MR * width + j / nr * nr) * MR + i % MR * nr + j % nr];
                    y[g.outputIndex(m0 + i, o)] = op.finish(a, o);
                }
            }
        });
    }

    /** The start of a fold's partial sum: +0.0, or for OS the chain so far. */
    private static FloatVector start(float[] acc, int off, boolean os) {
        return os ? FloatVector.fromArray(FS, acc, off) : FloatVector.zero(FS);
    }

    /** The end of a fold: OS keeps the chain, WS adds the partial sum to the accumulator. */
    private static void end(FloatVector p, float[] acc, int off, boolean os) {
        (os ? p : FloatVector.fromArray(FS, acc, off).add(p)).intoArray(acc, off);
    }

    /**
     * Reduction indices [kb, ke) of MR positions (panel sliver at xo: (K, MR)) by two vectors of
     * channels (weight sliver at wo: (K, 2 * lanes)); accumulators at ao: (MR, 2 * lanes).
     * kb is a multiple of fold, or 0 for OS, where fold covers all K.
     */
    private static void f32Kernel(float[] xp, int xo, float[] wp, int wo, int kb, int ke, int fold, boolean os,
            float[] acc, int ao) {
        int l = FS.length();
        int nr = 2 * l;
        for (int f0 = kb; f0 < ke; f0 += fold) {
            int f1 = Math.min(ke, f0 + fold);
            FloatVector p00 = start(acc, ao, os);
            FloatVector p01 = start(acc, ao + l, os);
            FloatVector p10 = start(acc, ao + nr, os);
            FloatVector p11 = start(acc, ao + nr + l, os);
            FloatVector p20 = start(acc, ao + 2 * nr, os);
            FloatVector p21 = start(acc, ao + 2 * nr + l, os);
            FloatVector p30 = start(acc, ao + 3 * nr, os);
            FloatVector p31 = start(acc, ao + 3 * nr + l, os);
            FloatVector p40 = start(acc, ao + 4 * nr, os);
            FloatVector p41 = start(acc, ao + 4 * nr + l, os);
            FloatVector p50 = start(acc, ao + 5 * nr, os);
            FloatVector p51 = start(acc, ao + 5 * nr + l, os);
            for (int kk = f0; kk < f1; kk++) {
                int w = wo + kk * nr;
                int x = xo + kk * MR;
                FloatVector w0 = FloatVector.fromArray(FS, wp, w);
                FloatVector w1 = FloatVector.fromArray(FS, wp, w + l);
                FloatVector x0 = FloatVector.broadcast(FS, xp[x]);
                p00 = x0.fma(w0, p00);
                p01 = x0.fma(w1, p01);
                FloatVector x1 = FloatVector.broadcast(FS, xp[x + 1]);
                p10 = x1.fma(w0, p10);
                p11 = x1.fma(w1, p11);
                FloatVector x2 = FloatVector.broadcast(FS, xp[x + 2]);
                p20 = x2.fma(w0, p20);
                p21 = x2.fma(w1, p21);
                FloatVector x3 = FloatVector.broadcast(FS, xp[x + 3]);
                p30 = x3.fma(w0, p30);
                p31 = x3.fma(w1, p31);
                FloatVector x4 = FloatVector.broadcast(FS, xp[x + 4]);
                p40 = x4.fma(w0, p40);
                p41 = x4.fma(w1, p41);
                FloatVector x5 = FloatVector.broadcast(FS, xp[x + 5]);
                p50 = x5.fma(w0, p50);
                p51 = x5.fma(w1, p51);
            }
            end(p00, acc, ao, os);
            end(p01, acc, ao + l, os);
            end(p10, acc, ao + nr, os);
            end(p11, acc, ao + nr + l, os);
            end(p20, acc, ao + 2 * nr, os);
            end(p21, acc, ao + 2 * nr + l, os);
            end(p30, acc, ao + 3 * nr, os);
            end(p31, acc, ao + 3 * nr + l, os);
            end(p40, acc, ao + 4 * nr, os);
            end(p41, acc, ao + 4 * nr + l, os);
            end(p50, acc, ao + 5 * nr, os);
            end(p51, acc, ao + 5 * nr + l, os);
        }
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
        int[][] wp = slivers(w, g, lanes, size -> {
            int[][] s = new int[g.groups()][size];
            pack(g.groups(), k, n, lanes, (grp, src, dst) -> s[grp][dst] = w[src]);
            return s;
        });
        OverflowCounter[] counters = new OverflowCounter[tasks(g, FastEngine.BLOCK, npad)];
        forEachTask(g, FastEngine.BLOCK, npad, (task, grp, m0, count, n0, n1) -> {
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
                    int8Block4(panel, i * k, k, wp[grp], nb / (2 * lanes) * k * 2 * lanes, acc);
                    store(g, op, y, grp, m0 + i, 4, nb, acc, lanes, f, c);
                }
                for (; i < count; i++) {
                    int8Block1(panel, i * k, k, wp[grp], nb / (2 * lanes) * k * 2 * lanes, acc);
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

    private static void int8Block4(int[] panel, int p, int k, int[] wt, int wo0, int[] out) {
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
            int wo = wo0 + kk * 2 * lanes;
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

    private static void int8Block1(int[] panel, int p, int k, int[] wt, int wo0, int[] out) {
        int lanes = IS.length();
        IntVector a0 = IntVector.zero(IS);
        IntVector a1 = IntVector.zero(IS);
        for (int kk = 0; kk < k; kk++) {
            int wo = wo0 + kk * 2 * lanes;
            IntVector x0 = IntVector.broadcast(IS, panel[p + kk]);
            a0 = IntVector.fromArray(IS, wt, wo).mul(x0).add(a0);
            a1 = IntVector.fromArray(IS, wt, wo + lanes).mul(x0).add(a1);
        }
        a0.intoArray(out, 0);
        a1.intoArray(out, lanes);
    }
}
