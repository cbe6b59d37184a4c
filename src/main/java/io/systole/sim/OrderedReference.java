package io.systole.sim;

import io.systole.arith.FixedFormat;
import io.systole.arith.FixedMac;
import io.systole.arith.Float32Order;
import io.systole.arith.Int8;
import io.systole.arith.Int8Format;
import io.systole.arith.OverflowCounter;
import io.systole.tensor.Tensor;

/**
 * What the array computes for a layer, as plain loops: for every group, output position and
 * output channel, gather the position's im2col row, reduce it against the channel's weights with
 * the dataflow's order from {@code io.systole.arith} ({@code dotWs} with folds of R rows, or
 * {@code dotOs}), then apply the format's output step ({@link Operands}). No tiling, no
 * vectors, no threads: the obviously correct twin of both engines, which must equal it bit for
 * bit (with equal overflow counts).
 */
public final class OrderedReference {
    private final ArrayLayer layer;
    private final ArrayConfig cfg;
    private final ImplicitGemm g;
    private final Tensor input;
    private final Tensor output;
    private final boolean os;
    private final long[] fixedWeights;

    /** The output of a layer and the overflow events of its arithmetic. */
    public record Values(Tensor output, OverflowCounter overflow) {
    }

    OrderedReference(ArrayLayer layer, Tensor input, ArrayConfig cfg) {
        layer.check(cfg, input);
        this.layer = layer;
        this.cfg = cfg;
        this.g = layer.gemm();
        this.input = input;
        this.output = layer.newOutput(cfg);
        this.os = cfg.dataflow() == Dataflow.OS;
        if (layer.operands() instanceof Operands.FixedLayer f) {
            fixedWeights = new long[f.weight().length];
            for (int i = 0; i < fixedWeights.length; i++) {
                fixedWeights[i] = f.weight()[i];
            }
        } else {
            fixedWeights = null;
        }
    }

    /** Runs the whole layer. */
    public static Values run(ArrayLayer layer, Tensor input, ArrayConfig cfg) {
        OrderedReference ref = new OrderedReference(layer, input, cfg);
        OverflowCounter counter = new OverflowCounter();
        for (int grp = 0; grp < ref.g.groups(); grp++) {
            ref.compute(grp, 0, ref.g.m(), counter);
        }
        return new Values(ref.output, counter);
    }

    Tensor output() {
        return output;
    }

    /** Computes positions [m0, m1) of group grp into the output. */
    void compute(int grp, int m0, int m1, OverflowCounter counter) {
        int k = g.k();
        int n = g.n();
        int rows = cfg.rows();
        int[] idx = new int[k];
        switch (layer.operands()) {
            case Operands.F32Layer op -> {
                float[] x = input.floats();
                float[] y = output.floats();
                float[] row = new float[k];
                for (int m = m0; m < m1; m++) {
                    g.inputIndex(grp, m, idx);
                    for (int i = 0; i < k; i++) {
                        row[i] = idx[i] < 0 ? 0.0f : x[idx[i]];
                    }
                    for (int j = 0; j < n; j++) {
                        int o = grp * n + j;
                        float acc = os ? Float32Order.dotOs(row, 0, op.weight(), o * k, k)
                                : Float32Order.dotWs(row, 0, op.weight(), o * k, k, rows);
                        y[g.outputIndex(m, o)] = op.finish(acc, o);
                    }
                }
            }
            case Operands.Int8Layer op -> {
                Int8Format f = (Int8Format) cfg.format();
                byte[] x = input.bytes();
                byte[] y = output.bytes();
                byte[] row = new byte[k];
                int zp = op.inputZeroPoint();
                for (int m = m0; m < m1; m++) {
                    g.inputIndex(grp, m, idx);
                    for (int i = 0; i < k; i++) {
                        row[i] = idx[i] < 0 ? (byte) zp : x[idx[i]];
                    }
                    for (int j = 0; j < n; j++) {
                        int o = grp * n + j;
                        int acc = os ? Int8.dotOs(row, 0, zp, op.weight(), o * k, k, f, counter)
                                : Int8.dotWs(row, 0, zp, op.weight(), o * k, k, rows, f, counter);
                        y[g.outputIndex(m, o)] = op.finish(acc, o, f, counter);
                    }
                }
            }
            case Operands.FixedLayer op -> {
                FixedFormat f = (FixedFormat) cfg.format();
                FixedFormat accFmt = cfg.accumulatorFormat();
                int productFrac = 2 * f.fracBits();
                int[] x = input.ints();
                int[] y = output.ints();
                long[] row = new long[k];
                for (int m = m0; m < m1; m++) {
                    g.inputIndex(grp, m, idx);
                    for (int i = 0; i < k; i++) {
                        row[i] = idx[i] < 0 ? 0 : x[idx[i]];
                    }
                    for (int j = 0; j < n; j++) {
                        int o = grp * n + j;
                        long acc = os ? FixedMac.dotOs(row, 0, fixedWeights, o * k, k, productFrac, accFmt, counter)
                                : FixedMac.dotWs(row, 0, fixedWeights, o * k, k, rows, productFrac, accFmt, counter);
                        y[g.outputIndex(m, o)] = (int) op.finish(acc, o, accFmt, f, counter);
                    }
                }
            }
        }
    }
}
