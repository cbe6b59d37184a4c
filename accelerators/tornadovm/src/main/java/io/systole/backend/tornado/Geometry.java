package io.systole.backend.tornado;

import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.PoolingUnit;
import java.util.Arrays;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A layer's shape as the int table its kernels read (TornadoVM specialises scalars into the
 * kernel, so one table per layer keeps the argument list short), and where each of its inputs
 * comes from as an index table built once on the host from the simulator's own
 * {@link ImplicitGemm#inputIndex}: the kernels do no geometry beyond the output index.
 *
 * <p>Convolution slots: positions M, reductions K, channels per group N, output channels,
 * output plane outH * outW, groups, position tiles MT = ceil(M / MR), channel panels
 * NP = ceil(N / NR), reduction indices per fold (the array's rows; all of K output-stationary),
 * output-stationary flag, fused ReLU flag (float32), input elements per group of channels, padded
 * input elements per group of channels (float32, see {@link #padded}).
 *
 * <p>Pooling slots: channels, output positions per channel M = batch * outH * outW, window
 * size, output plane, input plane, average flag, count-padding flag.
 */
final class Geometry {
    static final int M = 0;
    static final int K = 1;
    static final int N = 2;
    static final int OUT_C = 3;
    static final int HW = 4;
    static final int GROUPS = 5;
    static final int MT = 6;
    static final int NP = 7;
    static final int FOLD = 8;
    static final int OUTPUT_STATIONARY = 9;
    static final int RELU = 10;
    static final int GROUP_INPUT = 11;
    static final int GROUP_PADDED = 12;

    static final int CHANNELS = 0;
    static final int POSITIONS = 1;
    static final int WINDOW = 2;
    static final int OUT_PLANE = 3;
    static final int IN_PLANE = 4;
    static final int AVERAGE = 5;
    static final int COUNT_PAD = 6;

    private Geometry() {
    }

    /** Where output (position m, channel o) lives in y (batch, outC, outH, outW); hw = outH * outW. */
    static int output(int m, int o, int hw, int outC) {
        return (m / hw * outC + o) * hw + m % hw;
    }

    /** Position tiles of a group, MT = ceil(M / MR). */
    static int tiles(ImplicitGemm g) {
        return (g.m() + ConvKernels.MR - 1) / ConvKernels.MR;
    }

    /** Channel panels of a group, NP = ceil(N / NR). */
    static int panels(ImplicitGemm g) {
        return (g.n() + ConvKernels.NR - 1) / ConvKernels.NR;
    }

    /** A convolution in the fold order of {@code cfg}; {@code relu} is the float32 step's fused ReLU. */
    static IntArray conv(ImplicitGemm g, ArrayConfig cfg, boolean relu) {
        boolean os = cfg.dataflow() == Dataflow.OS;
        return IntArray.fromArray(new int[] {g.m(), g.k(), g.n(), g.outC(), g.outH() * g.outW(), g.groups(),
                tiles(g), panels(g), os ? g.k() : cfg.rows(), os ? 1 : 0, relu ? 1 : 0,
                g.inC() / g.groups() * g.inH() * g.inW(), g.inC() / g.groups() * g.paddedH() * g.paddedW()});
    }

    /**
     * The zero-padded input (batch, inC, Hp, Wp) of the float32 weight-stationary kernel: for each
     * element, its input index, or -1 on padding. X[m][k] of group g is then
     * {@code xp[g * GROUP_PADDED + pos[m] + off[k]]} (see {@link #positions} and {@link #offsets}).
     */
    static IntArray padded(ImplicitGemm g) {
        Window w = g.window();
        int hp = g.paddedH();
        int wp = g.paddedW();
        int[] t = new int[g.batch() * g.inC() * hp * wp];
        for (int e = 0; e < t.length; e++) {
            int plane = e / (hp * wp); // b * inC + c
            int iy = e / wp % hp - w.ph();
            int ix = e % wp - w.pw();
            t[e] = iy >= 0 && iy < g.inH() && ix >= 0 && ix < g.inW() ? (plane * g.inH() + iy) * g.inW() + ix : -1;
        }
        return IntArray.fromArray(t);
    }

    /**
     * Where each position's window starts in the padded input ({@link ImplicitGemm#windowStart}),
     * (MT * MR); positions past M repeat the last.
     */
    static IntArray positions(ImplicitGemm g) {
        int[] t = new int[tiles(g) * ConvKernels.MR];
        for (int e = 0; e < t.length; e++) {
            t[e] = Math.toIntExact(g.windowStart(Math.min(e, g.m() - 1)));
        }
        return IntArray.fromArray(t);
    }

    /** Where each reduction index reads from its window's start ({@link ImplicitGemm#reductionOffset}), (K). */
    static IntArray offsets(ImplicitGemm g) {
        int[] t = new int[g.k()];
        for (int k = 0; k < t.length; k++) {
            t[k] = Math.toIntExact(g.reductionOffset(k));
        }
        return IntArray.fromArray(t);
    }

    /**
     * im2col in tile order, (MT, K, MR): for tile t and reduction index k, the input index each of
     * the positions t*MR .. t*MR + MR-1 reads for group 0 (group g adds g times
     * {@link #GROUP_INPUT}), -1 on padding and past M.
     */
    static IntArray im2col(ImplicitGemm g) {
        int k = g.k();
        int mr = ConvKernels.MR;
        int[] t = new int[tiles(g) * k * mr];
        Arrays.fill(t, -1);
        int[] idx = new int[k];
        for (int m = 0; m < g.m(); m++) {
            g.inputIndex(0, m, idx);
            for (int i = 0; i < k; i++) {
                t[(m / mr * k + i) * mr + m % mr] = idx[i];
            }
        }
        return IntArray.fromArray(t);
    }

    /**
     * The weight panels' layout, (groups, NP, K, NR): for each element, where it comes from in the
     * weights (outC, K), or -1 for the zeros past N.
     */
    static int[] panelSources(ImplicitGemm g) {
        int k = g.k();
        int n = g.n();
        int nr = ConvKernels.NR;
        int[] t = new int[g.groups() * panels(g) * k * nr];
        for (int e = 0; e < t.length; e++) {
            int panel = e / nr / k; // group * NP + p
            int c = panel % panels(g) * nr + e % nr; // channel within the group
            t[e] = c < n ? (panel / panels(g) * n + c) * k + e / nr % k : -1;
        }
        return t;
    }

    /** Pooling of (batch, channels, h, w) by {@code win}. */
    static IntArray pool(int batch, int channels, int h, int w, Window win, boolean average, boolean countPad) {
        ImplicitGemm p = PoolingUnit.geometry("pool", batch, channels, h, w, win);
        return IntArray.fromArray(new int[] {channels, p.m(), p.k(), p.outH() * p.outW(), h * w, average ? 1 : 0,
                countPad ? 1 : 0});
    }

    /**
     * The window of every output position of channel 0, (M, window): the input index of each
     * window element in window order, -1 on padding; channel c adds c times the input plane.
     */
    static IntArray windows(int batch, int channels, int h, int w, Window win) {
        ImplicitGemm p = PoolingUnit.geometry("pool", batch, channels, h, w, win);
        int[] t = new int[p.m() * p.k()];
        int[] idx = new int[p.k()];
        for (int m = 0; m < p.m(); m++) {
            p.inputIndex(0, m, idx);
            System.arraycopy(idx, 0, t, m * p.k(), p.k());
        }
        return IntArray.fromArray(t);
    }
}
