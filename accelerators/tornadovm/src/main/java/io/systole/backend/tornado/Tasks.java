package io.systole.backend.tornado;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import java.util.function.IntUnaryOperator;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.WorkerGrid3D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * The tasks of one {@link TaskChain} step in a task graph, for the format of the chain's array:
 * its tables and operands (sent once), its kernels and each kernel's grid. Every task gets a grid:
 * TornadoVM cannot size a {@code @Parallel} loop whose bound it reads from an array, and would
 * run it as a single work-item.
 */
final class Tasks {
    /** The task graph's name, the prefix of its tasks' names. */
    static final String GRAPH = "systole";
    /** Most work-items per work-group of the weight-stationary kernels: positions sharing one slice. */
    static final int GROUP = 16;

    private final TaskGraph tg;
    private final GridScheduler grid;
    private final ArrayConfig cfg;
    private final TaskChain.Kernel kernel;
    private final KernelContext ctx = new KernelContext();

    Tasks(TaskGraph tg, GridScheduler grid, ArrayConfig cfg, TaskChain.Kernel kernel) {
        this.tg = tg;
        this.grid = grid;
        this.cfg = cfg;
        this.kernel = kernel;
    }

    /** A convolution reading {@code in}, writing {@code out}; the packing task is {@code task + "p"}. */
    void conv(String task, TaskChain.Conv c, TornadoNativeArray in, TornadoNativeArray out) {
        ImplicitGemm g = c.gemm();
        boolean suits = switch (cfg.format()) {
            case F32 f -> c.operands() instanceof Operands.F32Layer;
            case Int8Format f -> c.operands() instanceof Operands.Int8Layer;
            case FixedFormat f -> c.operands() instanceof Operands.FixedLayer;
        };
        if (!suits) {
            throw new IllegalArgumentException("step '" + c.name() + "': " + c.operands().getClass().getSimpleName()
                    + " operands do not suit a " + cfg.format() + " array");
        }
        long elements = (long) g.groups() * Geometry.tiles(g) * g.k() * ConvKernels.MR;
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("step '" + c.name() + "': its packed inputs are " + elements
                    + " elements, more than a TornadoVM array holds (2^31 - 1); run it with a smaller batch");
        }
        IntArray geo = Geometry.conv(g, cfg, c.relu());
        boolean ws = kernel == TaskChain.Kernel.SHARED_WEIGHT;
        // the im2col table, for every kernel but the float32 weight-stationary one (it reads a padded input)
        boolean padded = ws && c.operands() instanceof Operands.F32Layer;
        IntArray idx = padded ? null : Geometry.im2col(g);
        tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, geo);
        if (!padded) {
            tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, idx);
        }
        int packed = (int) elements;
        int[] panels = ws ? Geometry.panelSources(g) : null;
        String pack = task + "p";
        switch (c.operands()) {
            case Operands.F32Layer op -> {
                FloatArray bias = FloatArray.fromArray(op.bias() == null ? new float[g.outC()] : op.bias());
                if (ws) {
                    IntArray src = Geometry.padded(g);
                    IntArray pos = Geometry.positions(g);
                    IntArray off = Geometry.offsets(g);
                    FloatArray xp = new FloatArray(src.getSize());
                    FloatArray a = new FloatArray(packed);
                    FloatArray w = new FloatArray(panels.length);
                    for (int e = 0; e < panels.length; e++) {
                        w.set(e, panels[e] < 0 ? 0.0f : op.weight()[panels[e]]);
                    }
                    once(src, pos, off, w, bias);
                    tg.task(task + "x", ConvKernels::pad, src, (FloatArray) in, xp);
                    tg.task(pack, ConvKernels::pack, geo, pos, off, xp, a);
                    tg.task(task, ConvKernels::convWs, ctx, geo, a, w, bias, (FloatArray) out);
                    grid(task + "x", new WorkerGrid1D(src.getSize()));
                    grid(pack, new WorkerGrid2D(Geometry.tiles(g), g.groups()));
                } else {
                    FloatArray w = FloatArray.fromArray(op.weight());
                    once(w, bias);
                    tg.task(task, ConvKernels::convReference, geo, idx, (FloatArray) in, w, bias, (FloatArray) out);
                }
            }
            case Operands.Int8Layer op -> {
                IntArray fmt = Formats.int8((Int8Format) cfg.format(), op.inputZeroPoint(), op.outputZeroPoint(),
                        op.relu());
                IntArray chan = new IntArray(3 * g.outC());
                FloatArray scales = new FloatArray(g.outC());
                for (int o = 0; o < g.outC(); o++) {
                    chan.set(3 * o, op.bias() == null ? 0 : op.bias()[o]);
                    chan.set(3 * o + 1, op.multipliers() == null ? 0 : op.multipliers()[o].multiplier());
                    chan.set(3 * o + 2, op.multipliers() == null ? 0 : op.multipliers()[o].shift());
                    scales.set(o, op.scales() == null ? 0.0f : op.scales()[o]);
                }
                once(fmt, chan, scales);
                if (ws) {
                    IntArray a = new IntArray(packed);
                    IntArray w = panelWeights(panels, i -> op.weight()[i]);
                    once(w);
                    tg.task(pack, Int8Kernels::pack, geo, fmt, idx, (ByteArray) in, a);
                    tg.task(task, Int8Kernels::convWs, ctx, geo, fmt, a, w, chan, scales, (ByteArray) out);
                } else {
                    ByteArray w = ByteArray.fromArray(op.weight());
                    once(w);
                    tg.task(task, Int8Kernels::convReference, geo, fmt, idx, (ByteArray) in, w, chan, scales,
                            (ByteArray) out);
                }
            }
            case Operands.FixedLayer op -> {
                IntArray fmt = Formats.fixed(cfg.accumulatorFormat(), (FixedFormat) cfg.format(), op.relu());
                LongArray bias = LongArray.fromArray(op.bias() == null ? new long[g.outC()] : op.bias());
                once(fmt, bias);
                if (ws) {
                    IntArray a = new IntArray(packed);
                    IntArray w = panelWeights(panels, i -> op.weight()[i]);
                    once(w);
                    tg.task(pack, FixedKernels::pack, geo, idx, (IntArray) in, a);
                    tg.task(task, FixedKernels::convWs, ctx, geo, fmt, a, w, bias, (IntArray) out);
                } else {
                    IntArray w = IntArray.fromArray(op.weight());
                    once(w);
                    tg.task(task, FixedKernels::convReference, geo, fmt, idx, (IntArray) in, w, bias,
                            (IntArray) out);
                }
            }
        }
        if (ws) {
            if (!padded) {
                grid(pack, new WorkerGrid2D(g.groups(), idx.getSize()));
            }
            int mt = Geometry.tiles(g);
            int local = Math.min(GROUP, Integer.highestOneBit(2 * mt - 1));
            WorkerGrid3D wg = new WorkerGrid3D((mt + local - 1) / local * local, Geometry.panels(g), g.groups());
            wg.setLocalWork(local, 1, 1);
            grid(task, wg);
        } else {
            grid(task, new WorkerGrid2D(g.outC(), g.m()));
        }
    }

    /** A pooling step reading {@code in}, writing {@code out}. */
    void pool(String task, TaskChain.Pool p, TornadoNativeArray in, TornadoNativeArray out) {
        IntArray geo = Geometry.pool(p.batch(), p.channels(), p.h(), p.w(), p.window(), p.average(),
                p.countIncludePad());
        IntArray win = Geometry.windows(p.batch(), p.channels(), p.h(), p.w(), p.window());
        tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, geo, win);
        switch (cfg.format()) {
            case F32 f -> tg.task(task, PoolKernels::pool, geo, win, (FloatArray) in, (FloatArray) out);
            case Int8Format f -> {
                IntArray fmt = Formats.int8(f, p.zeroPoint(), p.zeroPoint(), false);
                once(fmt);
                tg.task(task, PoolKernels::poolInt8, geo, fmt, win, (ByteArray) in, (ByteArray) out);
            }
            case FixedFormat f -> {
                FixedFormat sum = cfg.accumulatorFormat();
                if (p.average() && sum.fracBits() < f.fracBits()) {
                    throw new IllegalArgumentException("step '" + p.name() + "': average pooling from " + sum
                            + " into " + f + ": expected the output to have at most the sum's " + sum.fracBits()
                            + " fraction bits");
                }
                IntArray fmt = Formats.fixed(sum, f, false);
                once(fmt);
                tg.task(task, PoolKernels::poolFixed, geo, fmt, win, (IntArray) in, (IntArray) out);
            }
        }
        grid(task, new WorkerGrid2D(p.channels(), geo.get(Geometry.POSITIONS)));
    }

    /** Arrays sent to the device on the first run only. */
    private void once(Object... arrays) {
        tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, arrays);
    }

    private void grid(String task, WorkerGrid g) {
        grid.addWorkerGrid(GRAPH + "." + task, g);
    }

    /**
     * Integer weights laid out as the weight-stationary kernels read them: entry e is weight
     * {@code panels[e]} of the layer, or 0 where the panel runs past the layer ({@code panels[e] < 0}).
     */
    private static IntArray panelWeights(int[] panels, IntUnaryOperator weight) {
        IntArray w = new IntArray(panels.length);
        for (int e = 0; e < panels.length; e++) {
            w.set(e, panels[e] < 0 ? 0 : weight.applyAsInt(panels[e]));
        }
        return w;
    }
}
