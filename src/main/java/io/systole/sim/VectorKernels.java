package io.systole.sim;

import io.systole.arith.Int8Format;
import io.systole.arith.OverflowCounter;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast engine's kernels, blocked like a BLIS matrix product with every lane one output.
 *
 * <p>Weights: each group's (outC, K) weights are packed once per weight array (cached by
 * identity beside a copy of the values it was packed from, compared on every use, so weights
 * changed in place, as training does, are packed again) into slivers of 2 vectors of channels:
 * sliver c holds W[k][c*NR .. c*NR+NR) for k = 0..K contiguously ({@link #NR} = 2 vectors), padding
 * channels zero (their results are dropped).
 *
 * <p>Work is split into tasks ({@link Tiles}): per group, blocks of {@value #MR}-position
 * slivers by blocks of channel slivers, run on all cores. A task walks the reduction in chunks of
 * about {@value #KC} indices (whole folds for weight-stationary); per chunk it gathers its rows of
 * X into a panel ({@link Im2col}: slivers of (chunk, MR), zeros at padding), then runs the
 * micro-kernel for every channel sliver and every position sliver, so that a weight sliver's
 * chunk stays in L1 while the task's position slivers use it and the panel stays in L2. Panels
 * and accumulators live in per-thread scratch arrays reused across calls.
 *
 * <p>float32: the micro-kernel holds {@value #MR} positions x 2 vectors of channels of partial
 * sums in registers; per fold they start at +0.0 and take fused multiply-adds in reduction
 * order, then are added to the task's accumulators (+0.0 at first); output-stationary chains
 * instead resume from and return to the accumulators across chunks. Each lane is one output, so
 * every output keeps its own order of operations.
 *
 * <p>int8: the same tiling with exact integer multiply-adds, carried across chunks in the
 * accumulators (the exact sum does not depend on the order).
 */
final class VectorKernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    /** Channels per weight sliver and micro-kernel: two vectors (float and int lanes are both 32 bits). */
    private static final int NR = 2 * FS.length();

    private VectorKernels() {
    }

    /** Side of the square blocks the weight packing works in, for cache locality. */
    private static final int TILE = 8;
    /** Positions per micro-kernel and per panel sliver ({@link Im2col}). */
    static final int MR = 5;
    /** Most position slivers in one parallel task (its panel chunk stays in L2). */
    private static final int MAX_SLIVERS = 24;
    /** Parallel tasks wanted per core, so that a busy core delays the layer by a fraction of it. */
    private static final int TASKS_PER_CORE = 2;
    /** Target reduction indices per chunk (a weight sliver's chunk, 16 KiB of floats, stays in L1). */
    private static final int KC = 256;
    /** Weights compared per parallel task when checking a packing against its values. */
    private static final int COMPARE_BLOCK = 1 << 16;

    /** Packed weights by weight array, with the layer shape they were packed for. */
    private static final Map<Object, Packed> PACKED = Collections.synchronizedMap(new WeakHashMap<>());

    private record Packed(int groups, int k, int n, Object values, Object slivers) {
        boolean fits(Object weight, ImplicitGemm g) {
            return groups == g.groups() && k == g.k() && n == g.n()
                    && sameValues(values, weight);
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
    private static <T> T[] slivers(Object weight, ImplicitGemm g, IntFunction<T[]> pack) {
        Packed p = PACKED.get(weight);
        if (p == null || !p.fits(weight, g)) {
            p = new Packed(g.groups(), g.k(), g.n(), copy(weight), pack.apply(g.k() * ceilDiv(g.n(), NR) * NR));
            PACKED.put(weight, p);
        }
        return (T[]) p.slivers();
    }

    /**
     * Whether the copy a packing came from still equals the weights (same type, length and bits),
     * compared in blocks of {@value #COMPARE_BLOCK} elements on all cores.
     */
    private static boolean sameValues(Object copy, Object weight) {
        int n = java.lang.reflect.Array.getLength(copy);
        if (copy.getClass() != weight.getClass() || n != java.lang.reflect.Array.getLength(weight)) {
            return false;
        }
        return IntStream.range(0, ceilDiv(n, COMPARE_BLOCK)).parallel().allMatch(b -> {
            int from = b * COMPARE_BLOCK;
            int to = Math.min(n, from + COMPARE_BLOCK);
            return switch (copy) {
                case float[] f -> Arrays.equals(f, from, to, (float[]) weight, from, to);
                case byte[] v -> Arrays.equals(v, from, to, (byte[]) weight, from, to);
                case int[] v -> Arrays.equals(v, from, to, (int[]) weight, from, to);
                default -> throw new IllegalArgumentException("weights are float[], byte[] or int[], not " + copy);
            };
        });
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
     * Packs (outC, K) weights into slivers of NR channels per group, in TILE x TILE blocks,
     * blocks of channels in parallel.
     */
    private static void pack(int groups, int k, int n, Copy copy) {
        int tiles = (n + TILE - 1) / TILE;
        IntStream.range(0, groups * tiles).parallel().forEach(task -> {
            int grp = task / tiles;
            int j0 = task % tiles * TILE;
            for (int i0 = 0; i0 < k; i0 += TILE) {
                for (int j = j0; j < Math.min(n, j0 + TILE); j++) {
                    int src = (grp * n + j) * k;
                    int dst = j / NR * k * NR + j % NR;
                    for (int i = i0; i < Math.min(k, i0 + TILE); i++) {
                        copy.copy(grp, src + i, dst + i * NR);
                    }
                }
            }
        });
    }

    /**
     * The parallel tasks of a layer: per group, blocks of position slivers ({@value #MR} positions)
     * by blocks of channel slivers ({@value #NR} channels). Positions are split first, since every
     * task of a position block gathers its panel again; channels only when there are too few
     * positions to keep every core busy. Block counts are rounded up to a multiple of the cores so
     * that equal tasks end together.
     */
    private record Tiles(ImplicitGemm g, int slivers, int positionBlocks, int channelSlivers, int channelBlocks) {
        static Tiles of(ImplicitGemm g) {
            int cores = Runtime.getRuntime().availableProcessors();
            int slivers = ceilDiv(g.m(), MR);
            int channelSlivers = ceilDiv(g.n(), NR);
            int want = ceilDiv(TASKS_PER_CORE * cores, g.groups());
            int positionBlocks = Math.min(slivers,
                    ceilDiv(Math.max(want, ceilDiv(slivers, MAX_SLIVERS)), cores) * cores);
            int channelBlocks = Math.min(channelSlivers, ceilDiv(want, positionBlocks));
            return new Tiles(g, slivers, positionBlocks, channelSlivers, channelBlocks);
        }

        int tasks() {
            return g.groups() * positionBlocks * channelBlocks;
        }

        /** Runs every task on all cores. */
        void forEach(Consumer<Block> task) {
            IntStream.range(0, tasks()).parallel().forEach(t -> {
                int cb = t % channelBlocks;
                int pb = t / channelBlocks % positionBlocks;
                int m0 = pb * slivers / positionBlocks * MR;
                int m1 = Math.min(g.m(), (pb + 1) * slivers / positionBlocks * MR);
                task.accept(new Block(t, t / (channelBlocks * positionBlocks), m0, m1 - m0,
                        cb * channelSlivers / channelBlocks, (cb + 1) * channelSlivers / channelBlocks));
            });
        }
    }

    /**
     * One task: positions [m0, m0 + count) of group grp by channel slivers [c0, c1). Its
     * accumulators are (c1 - c0, slivers * MR, NR): per channel sliver, one (MR, NR) tile per
     * position sliver, so that position i's accumulators follow position i - 1's.
     */
    private record Block(int task, int grp, int m0, int count, int c0, int c1) {
        int slivers() {
            return ceilDiv(count, MR);
        }

        /** Accumulators of the block. */
        int size() {
            return (c1 - c0) * slivers() * MR * NR;
        }

        /** Start of the tile of position sliver s and channel sliver c. */
        int tile(int s, int c) {
            return ((c - c0) * slivers() + s) * MR * NR;
        }

        /**
         * Visits every output of the block, channel by channel along contiguous positions: its
         * index in the (batch, outC, outH, outW) output, its accumulator and its channel.
         */
        void forEachOutput(ImplicitGemm g, Store store) {
            int hw = g.outH() * g.outW();
            int n = g.n();
            for (int i0 = 0; i0 < count; ) {
                // positions [i0, i1) lie in one image
                int m = m0 + i0;
                int i1 = Math.min(count, i0 + hw - m % hw);
                int out = m / hw * g.outC() * hw + m % hw - i0;
                for (int j = c0 * NR; j < Math.min(n, c1 * NR); j++) {
                    int o = grp * n + j;
                    int a = tile(0, j / NR) + j % NR;
                    for (int i = i0; i < i1; i++) {
                        store.put(out + o * hw + i, a + i * NR, o);
                    }
                }
                i0 = i1;
            }
        }
    }

    /** Stores output {@code out} of channel o from accumulator {@code acc}. */
    @FunctionalInterface
    private interface Store {
        void put(int out, int acc, int o);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Per-thread working memory, grown on demand and kept between layers. */
    private static final class Scratch {
        float[] panel = new float[0];
        float[] acc = new float[0];
        int[] intPanel = new int[0];
        int[] intAcc = new int[0];

        /** size floats, +0.0 if {@code zero} (else as the last use left them). */
        float[] panel(int size, boolean zero) {
            if (panel.length < size) {
                panel = new float[size];
            } else if (zero) {
                Arrays.fill(panel, 0, size, 0.0f);
            }
            return panel;
        }

        /** size floats of +0.0. */
        float[] acc(int size) {
            if (acc.length < size) {
                acc = new float[size];
            }
            Arrays.fill(acc, 0, size, 0.0f);
            return acc;
        }

        /** size ints, 0 if {@code zero} (else as the last use left them). */
        int[] intPanel(int size, boolean zero) {
            if (intPanel.length < size) {
                intPanel = new int[size];
            } else if (zero) {
                Arrays.fill(intPanel, 0, size, 0);
            }
            return intPanel;
        }

        /** size zeros. */
        int[] intAcc(int size) {
            if (intAcc.length < size) {
                intAcc = new int[size];
            }
            Arrays.fill(intAcc, 0, size, 0);
            return intAcc;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * float32: per output, partial sums of {@code fold} reduction indices start at +0.0 and take
     * fused multiply-adds in order (Float32Order.mac, lane by lane); WS adds each fold's partial
     * sum to the accumulator (Float32Order.foldAdd), OS has one fold whose chain is the result;
     * then the bias (Float32Order.addBias via {@link Operands.F32Layer#finish}).
     */
    static void f32(ImplicitGemm g, Operands.F32Layer op, float[] x, float[] y, int fold, boolean os) {
        int k = g.k();
        int n = g.n();
        float[] w = op.weight();
        float[][] wp = slivers(w, g, size -> {
            float[][] s = new float[g.groups()][size];
            pack(g.groups(), k, n, (grp, src, dst) -> s[grp][dst] = w[src]);
            return s;
        });
        int chunk = os ? KC : Math.max(1, KC / fold) * fold;
        Im2col im2col = new Im2col(g);
        Tiles.of(g).forEach(t -> {
            Scratch s = SCRATCH.get();
            float[] acc = s.acc(t.size());
            for (int kb = 0; kb < k; kb += chunk) {
                int len = Math.min(chunk, k - kb);
                float[] panel = s.panel(t.slivers() * MR * len, im2col.padded());
                im2col.pack(t.grp(), t.m0(), t.count(), kb, kb + len, (dst, src) -> panel[dst] = x[src]);
                for (int c = t.c0(); c < t.c1(); c++) {
                    for (int sl = 0; sl < t.slivers(); sl++) {
                        f32Kernel(panel, sl * len * MR, wp[t.grp()], (c * k + kb) * NR, len, os ? len : fold, os,
                                acc, t.tile(sl, c));
                    }
                }
            }
            t.forEachOutput(g, (out, a, o) -> y[out] = op.finish(acc[a], o));
        });
    }

    /**
     * Reductions [0, len) of MR positions (panel sliver at xo: (len, MR)) by two vectors of
     * channels (weight sliver at wo: (len, NR)) in folds of {@code fold}; accumulators at
     * ao: (MR, NR). WS: each fold's partial sums start at +0.0 and are added to the
     * accumulators; OS: the chains resume from the accumulators and are stored back.
     */
    private static void f32Kernel(float[] xp, int xo, float[] wp, int wo, int len, int fold, boolean os,
            float[] acc, int ao) {
        int l = FS.length();
        for (int f0 = 0; f0 < len; f0 += fold) {
            int f1 = Math.min(len, f0 + fold);
            FloatVector p00 = start(acc, ao, os);
            FloatVector p01 = start(acc, ao + l, os);
            FloatVector p10 = start(acc, ao + NR, os);
            FloatVector p11 = start(acc, ao + NR + l, os);
            FloatVector p20 = start(acc, ao + 2 * NR, os);
            FloatVector p21 = start(acc, ao + 2 * NR + l, os);
            FloatVector p30 = start(acc, ao + 3 * NR, os);
            FloatVector p31 = start(acc, ao + 3 * NR + l, os);
            FloatVector p40 = start(acc, ao + 4 * NR, os);
            FloatVector p41 = start(acc, ao + 4 * NR + l, os);
            for (int kk = f0; kk < f1; kk++) {
                int w = wo + kk * NR;
                int x = xo + kk * MR;
                FloatVector w0 = FloatVector.fromArray(FS, wp, w);
                FloatVector w1 = FloatVector.fromArray(FS, wp, w + l);
                FloatVector b = FloatVector.broadcast(FS, xp[x]);
                p00 = b.fma(w0, p00);
                p01 = b.fma(w1, p01);
                b = FloatVector.broadcast(FS, xp[x + 1]);
                p10 = b.fma(w0, p10);
                p11 = b.fma(w1, p11);
                b = FloatVector.broadcast(FS, xp[x + 2]);
                p20 = b.fma(w0, p20);
                p21 = b.fma(w1, p21);
                b = FloatVector.broadcast(FS, xp[x + 3]);
                p30 = b.fma(w0, p30);
                p31 = b.fma(w1, p31);
                b = FloatVector.broadcast(FS, xp[x + 4]);
                p40 = b.fma(w0, p40);
                p41 = b.fma(w1, p41);
            }
            end(p00, acc, ao, os);
            end(p01, acc, ao + l, os);
            end(p10, acc, ao + NR, os);
            end(p11, acc, ao + NR + l, os);
            end(p20, acc, ao + 2 * NR, os);
            end(p21, acc, ao + 2 * NR + l, os);
            end(p30, acc, ao + 3 * NR, os);
            end(p31, acc, ao + 3 * NR + l, os);
            end(p40, acc, ao + 4 * NR, os);
            end(p41, acc, ao + 4 * NR + l, os);
        }
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
        int zp = op.inputZeroPoint();
        byte[] w = op.weight();
        int[][] wp = slivers(w, g, size -> {
            int[][] s = new int[g.groups()][size];
            pack(g.groups(), k, n, (grp, src, dst) -> s[grp][dst] = w[src]);
            return s;
        });
        Im2col im2col = new Im2col(g);
        Tiles tiles = Tiles.of(g);
        OverflowCounter[] counters = new OverflowCounter[tiles.tasks()];
        tiles.forEach(t -> {
            OverflowCounter tc = new OverflowCounter();
            counters[t.task()] = tc;
            Scratch s = SCRATCH.get();
            int[] acc = s.intAcc(t.size());
            for (int kb = 0; kb < k; kb += KC) {
                int len = Math.min(KC, k - kb);
                int[] panel = s.intPanel(t.slivers() * MR * len, im2col.padded());
                im2col.pack(t.grp(), t.m0(), t.count(), kb, kb + len, (dst, src) -> panel[dst] = x[src] - zp);
                for (int c = t.c0(); c < t.c1(); c++) {
                    for (int sl = 0; sl < t.slivers(); sl++) {
                        for (int v = 0; v < NR; v += IS.length()) {
                            int8Kernel(panel, sl * len * MR, wp[t.grp()], (c * k + kb) * NR + v, len, acc,
                                    t.tile(sl, c) + v);
                        }
                    }
                }
            }
            t.forEachOutput(g, (out, a, o) -> y[out] = op.finish(acc[a], o, f, tc));
        });
        for (OverflowCounter c : counters) {
            counter.merge(c);
        }
    }

    /**
     * Reductions [0, len) of MR positions (panel sliver at xo: (len, MR)) by one vector of
     * channels (at wo in a weight sliver: (len, NR)), added to the accumulators at ao: (MR, NR).
     * One vector rather than two leaves registers for the products, so nothing spills.
     */
    private static void int8Kernel(int[] xp, int xo, int[] wp, int wo, int len, int[] acc, int ao) {
        IntVector a0 = IntVector.fromArray(IS, acc, ao);
        IntVector a1 = IntVector.fromArray(IS, acc, ao + NR);
        IntVector a2 = IntVector.fromArray(IS, acc, ao + 2 * NR);
        IntVector a3 = IntVector.fromArray(IS, acc, ao + 3 * NR);
        IntVector a4 = IntVector.fromArray(IS, acc, ao + 4 * NR);
        for (int kk = 0; kk < len; kk++) {
            int x = xo + kk * MR;
            IntVector w = IntVector.fromArray(IS, wp, wo + kk * NR);
            a0 = w.mul(xp[x]).add(a0);
            a1 = w.mul(xp[x + 1]).add(a1);
            a2 = w.mul(xp[x + 2]).add(a2);
            a3 = w.mul(xp[x + 3]).add(a3);
            a4 = w.mul(xp[x + 4]).add(a4);
        }
        a0.intoArray(acc, ao);
        a1.intoArray(acc, ao + NR);
        a2.intoArray(acc, ao + 2 * NR);
        a3.intoArray(acc, ao + 3 * NR);
        a4.intoArray(acc, ao + 4 * NR);
    }
}
