package io.systole.sim;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.OverflowCounter;
import io.systole.arith.Pooling;
import io.systole.model.Window;
import io.systole.tensor.Tensor;
import java.util.function.Consumer;

/**
 * The pooling unit beside the array: {@code L = poolingLanes} lanes, one channel each, every lane
 * reading one window element per cycle and emitting one output per window. A pooling layer over
 * (batch, C, H, W) runs as folds of up to L channels; a fold costs
 * {@code batch * outH * outW * kH * kW} cycles (every window position takes its cycle, padded ones
 * included, since the lanes step in lockstep). Its demand: the fold's input planes, its window
 * reads (padding is generated, not read) and its outputs.
 *
 * <p>The layer is described as an {@link ImplicitGemm} with one group per channel and one output
 * channel per group (a depthwise convolution without weights).
 *
 * <p>Values follow {@link Pooling}: a window is visited row by row; max takes only positions
 * inside the input (padding never wins); average takes every position, padding as the format's
 * zero, when {@code countIncludePad}, else only the inside ones, and divides once by their count.
 * int8 pooling keeps the input's scale and zero point; fixed point sums in the array's
 * accumulator format and rounds into the data format.
 */
public record PoolingUnit(ArrayConfig config) {

    /** The pooling window over (batch, channels, h, w) in the depthwise-GEMM form this unit takes. */
    public static ImplicitGemm geometry(String name, int batch, int channels, int h, int w, Window window) {
        return new ImplicitGemm(name, batch, channels, h, w, channels, channels, window);
    }

    /** Cycles of a fold: every window position of every output, per lane. */
    public long cycles(ImplicitGemm p) {
        return (long) p.m() * p.k();
    }

    /** Visits the folds of a pooling layer in order. */
    public void forEachFold(ImplicitGemm p, Consumer<Fold> visitor) {
        int lanes = config.poolingLanes();
        long perChannelReads = p.taps().count(0, p.m(), 0, p.k());
        long plane = (long) p.batch() * p.inH() * p.inW();
        long cycles = cycles(p);
        int index = 0;
        for (int c0 = 0; c0 < p.inC(); c0 += lanes) {
            int ch = Math.min(lanes, p.inC() - c0);
            long reads = perChannelReads * ch;
            long outs = (long) p.m() * ch;
            visitor.accept(new Fold(index, c0, 0, p.m(), 0, p.k(), c0, ch, cycles, 0, cycles * lanes, 0, reads, 0,
                    outs, outs, 0, false, plane * ch, index == 0));
            index++;
        }
    }

    /**
     * Pools x (batch, C, H, W) of the array's activation type; {@code zeroPoint} is the int8
     * input's (ignored otherwise). Returns (batch, C, outH, outW) and the layer's statistics.
     */
    public Engine.LayerResult run(ImplicitGemm p, boolean average, boolean countIncludePad, int zeroPoint, Tensor x) {
        int n = p.m() * p.outC();
        int window = p.k();
        int[] shape = {p.batch(), p.outC(), p.outH(), p.outW()};
        OverflowCounter counter = new OverflowCounter();
        int[] idx = new int[window];
        int[] take = new int[window];
        Tensor out = switch (config.format()) {
            case F32 f -> {
                float[] xs = x.floats();
                float[] y = new float[n];
                float[] v = new float[window];
                for (int c = 0; c < p.outC(); c++) {
                    for (int m = 0; m < p.m(); m++) {
                        int cnt = gather(p, c, m, average, countIncludePad, idx, take);
                        for (int i = 0; i < cnt; i++) {
                            v[i] = take[i] < 0 ? 0.0f : xs[take[i]];
                        }
                        y[p.outputIndex(m, c)] = average ? Pooling.avgF32(v, 0, cnt) : Pooling.maxF32(v, 0, cnt);
                    }
                }
                yield Tensor.of(y, shape);
            }
            case Int8Format f -> {
                byte[] xs = x.bytes();
                byte[] y = new byte[n];
                byte[] v = new byte[window];
                for (int c = 0; c < p.outC(); c++) {
                    for (int m = 0; m < p.m(); m++) {
                        int cnt = gather(p, c, m, average, countIncludePad, idx, take);
                        for (int i = 0; i < cnt; i++) {
                            v[i] = take[i] < 0 ? (byte) zeroPoint : xs[take[i]];
                        }
                        y[p.outputIndex(m, c)] = average ? Pooling.avgInt8(v, 0, cnt) : Pooling.maxInt8(v, 0, cnt);
                    }
                }
                yield Tensor.of(y, shape);
            }
            case FixedFormat f -> {
                FixedFormat sum = config.accumulatorFormat();
                int[] xs = x.ints();
                int[] y = new int[n];
                long[] v = new long[window];
                for (int c = 0; c < p.outC(); c++) {
                    for (int m = 0; m < p.m(); m++) {
                        int cnt = gather(p, c, m, average, countIncludePad, idx, take);
                        for (int i = 0; i < cnt; i++) {
                            v[i] = take[i] < 0 ? 0 : xs[take[i]];
                        }
                        y[p.outputIndex(m, c)] = (int) (average ? Pooling.avgFixed(v, 0, cnt, f, sum, f, counter)
                                : Pooling.maxFixed(v, 0, cnt));
                    }
                }
                yield Tensor.of(y, shape);
            }
        };
        LayerStats stats = Timing.pool(p, config).withOverflows(counter.overflows(), counter.saturations());
        return new Engine.LayerResult(out, stats);
    }

    /** The input indices a window contributes, in window order (-1 for counted padding); returns their number. */
    private static int gather(ImplicitGemm p, int c, int m, boolean average, boolean countIncludePad, int[] idx,
            int[] take) {
        p.inputIndex(c, m, idx);
        int cnt = 0;
        for (int i : idx) {
            if (i >= 0 || average && countIncludePad) {
                take[cnt++] = i;
            }
        }
        return cnt;
    }
}
