package io.systole.sim;

import java.util.function.Consumer;

/**
 * Output-stationary compute model. Per group, the schedule is
 * <pre>
 *   for each tile of C output channels:
 *     for each tile of R output positions:      one fold, r &lt;= R rows x c &lt;= C columns, all of K
 * </pre>
 * PE (i, j) accumulates output (m0 + i, n0 + j) over the whole reduction in order. A fold costs
 * {@code K + r + c - 2 + R} cycles: inputs enter row i from the left and weights enter column j
 * from the top, one reduction index per cycle, row i skewed by i cycles and column j by j, so PE
 * (i, j) takes index k in cycle {@code k + i + j} and the last PE finishes in cycle
 * {@code K - 1 + r - 1 + c - 1}; then the finished outputs shift down the columns and leave at
 * the bottom edge, R cycles for the top row's.
 */
public record OutputStationary(ArrayConfig config) implements ComputeModel {

    @Override
    public int foldLength(ImplicitGemm g) {
        return g.k();
    }

    /** The closed form: streaming with skew, then the drain. */
    public long cycles(int k, int rows, int cols) {
        return (long) k + rows + cols - 2 + config.rows();
    }

    @Override
    public void forEachFold(ImplicitGemm g, Consumer<Fold> visitor) {
        int R = config.rows();
        int C = config.cols();
        int m = g.m();
        int k = g.k();
        int n = g.n();
        ImplicitGemm.Taps taps = g.taps();
        int index = 0;
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int n0 = 0; n0 < n; n0 += C) {
                int c = Math.min(C, n - n0);
                for (int m0 = 0; m0 < m; m0 += R) {
                    int r = Math.min(R, m - m0);
                    long reads = taps.count(m0, r, 0, k);
                    long tile = (long) r * c;
                    visitor.accept(new Fold(index, grp, m0, r, 0, k, n0, c, cycles(k, r, c), tile * k,
                            (long) R * C * k, (long) k * c, reads, 0, tile, tile, (long) k * c, m0 == 0, reads,
                            n0 == 0 && m0 == 0));
                    index++;
                }
            }
        }
    }
}
