package io.systole.sim;

import java.util.function.Consumer;

/**
 * Weight-stationary compute model. Per group, the schedule is
 * <pre>
 *   for each chunk of Mt positions (Mt = accumulators that fit the output scratchpad / C):
 *     for each tile of C output channels:
 *       for each tile of R reduction indices:   one fold, r &lt;= R rows x c &lt;= C columns
 * </pre>
 * so each output's partial sums join its accumulator in reduction order. A fold costs
 * {@code load + Mt + R + c - 1} cycles: {@code load = r} to shift the weights down into the top r
 * rows (0 when weights are double-buffered, except for a layer's first fold), then the first
 * input enters row 0 and {@code Mt} inputs follow one per cycle, each row one cycle later than
 * the row above; partial sums go down all R rows (unused rows pass them through) and the last
 * one, of column {@code c - 1}, enters the accumulator {@code R + c - 1} cycles after the last
 * input entered.
 */
public record WeightStationary(ArrayConfig config) implements ComputeModel {

    @Override
    public int foldLength(ImplicitGemm g) {
        return config.rows();
    }

    /** Positions per chunk: as many rows of C accumulators as the output scratchpad holds, at most M. */
    public int chunk(ImplicitGemm g) {
        long perRow = (long) config.cols() * config.accumulatorBytes();
        return (int) Math.min(g.m(), Math.max(1, config.outputSramBytes() / perRow));
    }

    /** The closed form: weight-load cycles (unless hidden) plus streaming, skew and drain. */
    public long cycles(int index, int positions, int rows, int cols) {
        long load = config.doubleBufferedWeights() && index > 0 ? 0 : rows;
        return load + positions + config.rows() + cols - 1;
    }

    @Override
    public void forEachFold(ImplicitGemm g, Consumer<Fold> visitor) {
        int R = config.rows();
        int C = config.cols();
        int m = g.m();
        int k = g.k();
        int n = g.n();
        int mt = chunk(g);
        ImplicitGemm.Taps taps = g.taps();
        int index = 0;
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int m0 = 0; m0 < m; m0 += mt) {
                int mc = Math.min(mt, m - m0);
                for (int n0 = 0; n0 < n; n0 += C) {
                    int c = Math.min(C, n - n0);
                    for (int k0 = 0; k0 < k; k0 += R) {
                        int r = Math.min(R, k - k0);
                        long reads = taps.count(m0, mc, k0, r);
                        long tile = (long) mc * c;
                        visitor.accept(new Fold(index, grp, m0, mc, k0, r, n0, c, cycles(index, mc, r, c),
                                tile * r, (long) R * C * mc, (long) r * c, reads, k0 > 0 ? tile : 0, tile,
                                k0 + r == k ? tile : 0, (long) r * c, m0 == 0, reads, m0 == 0 && n0 == 0 && k0 == 0));
                        index++;
                    }
                }
            }
        }
    }
}
