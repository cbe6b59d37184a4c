package io.systole.sim;

import io.systole.arith.OverflowCounter;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The PE-level engine: steps every PE of the R x C array every cycle, with registers for the
 * weight, the activation passing right and the partial sum passing down, and counts the cycles
 * each fold takes. It follows the folds of the {@link ComputeModel} but not its cycle formulas:
 * its cycle counts come from the stepping alone, and the tests hold them against the formulas.
 * It also checks the scratchpad reads each fold claims against the reads it makes. For small
 * layers, traces and waveforms ({@link ArrayProbe}, {@link VcdWriter}); pooling and host
 * operations are not stepped.
 *
 * <p>Timing conventions (cycle t of a fold's streaming phase, PE (i, j)): registers update at the
 * end of a cycle from the values at its start. WS: row i's input for position m enters from
 * the left edge in cycle {@code m + i}; PE (i, j) computes {@code p = mac(p_above, x, w)} for
 * position {@code t - i - j}; row 0 starts from zero; rows below the fold's r rows pass partial
 * sums through; the accumulator of column j adds the bottom row's register in the next cycle.
 * OS: row i's input and column j's weight for reduction index k enter in cycles {@code k + i} and
 * {@code k + j}, so PE (i, j) sees index k in cycle {@code k + i + j}; then the outputs shift down
 * one row per cycle and leave at the bottom edge.
 */
public final class PeEngine implements Engine {
    private final ArrayProbe probe;

    /** An engine without a probe. */
    public PeEngine() {
        this(null);
    }

    /** An engine reporting every cycle to {@code probe} (null for none). */
    public PeEngine(ArrayProbe probe) {
        this.probe = probe;
    }

    @Override
    public LayerResult run(ArrayLayer layer, Tensor input, ArrayConfig cfg) {
        layer.check(cfg, input);
        Tensor out = layer.newOutput(cfg);
        OverflowCounter counter = new OverflowCounter();
        PeArithmetic ar = PeArithmetic.of(cfg, layer, input, out, counter);
        ComputeModel model = ComputeModel.of(cfg);
        ImplicitGemm g = layer.gemm();
        List<Fold> folds = new ArrayList<>();
        model.forEachFold(g, folds::add);
        MemoryModel memory = MemoryModel.forGemm(cfg, g);
        Run run = new Run(cfg, g, ar);
        if (probe != null) {
            probe.begin(cfg, g.name(), ar.dataBits, ar.partialBits);
        }
        for (int f = 0; f < folds.size(); f++) {
            Fold fold = folds.get(f);
            long cycles = cfg.dataflow() == Dataflow.WS
                    ? run.weightStationary(fold, f + 1 < folds.size() ? folds.get(f + 1) : null)
                    : run.outputStationary(fold);
            memory.accept(fold, cycles);
        }
        if (probe != null) {
            probe.end(run.cycle);
        }
        LayerStats stats = memory.finish(g.name(), "gemm", LayerStats.Unit.ARRAY)
                .withOverflows(counter.overflows(), counter.saturations());
        return new LayerResult(out, stats);
    }

    /** The state of one layer's run. */
    private final class Run {
        private final ArrayConfig cfg;
        private final ImplicitGemm g;
        private final PeArithmetic ar;
        private final int rows;
        private final int cols;
        private PeRegisters cur;
        private PeRegisters nxt;
        private long[] shadow; // WS second weight register, row-major like the PEs
        private long shadowReads; // weights read into the shadow registers for the next fold
        private long[] acc;    // WS accumulators of the current chunk: [position][column]
        private long cycle;

        Run(ArrayConfig cfg, ImplicitGemm g, PeArithmetic ar) {
            this.cfg = cfg;
            this.g = g;
            this.ar = ar;
            this.rows = cfg.rows();
            this.cols = cfg.cols();
            this.cur = new PeRegisters(rows, cols);
            this.nxt = new PeRegisters(rows, cols);
            this.shadow = new long[rows * cols];
            this.acc = new long[new WeightStationary(cfg).chunk(g) * cols];
        }

        private void tick(Fold f, ArrayProbe.Phase phase) {
            if (probe != null) {
                probe.cycle(cycle, f.index(), phase, cur);
            }
            cycle++;
        }

        private void swap() {
            PeRegisters t = cur;
            cur = nxt;
            nxt = t;
        }

        /**
         * Shifts one row of weights in at the top of {@code reg}'s top r rows (step s brings the
         * weights of row r-1-s, so after r steps row i holds reduction index k0 + i); returns the
         * weights read.
         */
        private int shiftWeights(long[] reg, Fold f, int step) {
            int r = f.reduction();
            for (int i = r - 1; i >= 1; i--) {
                System.arraycopy(reg, (i - 1) * cols, reg, i * cols, f.channels());
            }
            for (int j = 0; j < f.channels(); j++) {
                reg[j] = ar.weight(f.group() * g.n() + f.n0() + j, f.k0() + r - 1 - step);
            }
            return f.channels();
        }

        long weightStationary(Fold f, Fold next) {
            long start = cycle;
            int r = f.reduction();
            int c = f.channels();
            int mc = f.positions();
            boolean db = cfg.doubleBufferedWeights();
            long weightReads = 0;
            if (!db || f.index() == 0) {
                for (int step = 0; step < r; step++) {
                    weightReads += shiftWeights(cur.weight, f, step);
                    tick(f, ArrayProbe.Phase.LOAD);
                }
            } else {
                long[] t = cur.weight;
                cur.weight = shadow;
                shadow = t;
                weightReads = shadowReads;
            }
            expect(f, "weight", weightReads, f.weightReads());
            shadowReads = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    cur.weightValid[i * cols + j] = i < r && j < c;
                }
            }
            nxt.weight = cur.weight;
            nxt.weightValid = cur.weightValid;
            if (f.k0() == 0) {
                Arrays.fill(acc, 0, mc * cols, 0L);
            }
            int shadowSteps = db && next != null ? next.reduction() : 0;
            int[] captured = new int[c];
            long need = (long) mc * c;
            long done = 0;
            long reads = 0;
            for (int t = 0; done < need || t < shadowSteps; t++) {
                // the accumulators take what the bottom row registered in the previous cycle
                int bottom = (rows - 1) * cols;
                for (int j = 0; j < c; j++) {
                    if (cur.partialValid[bottom + j]) {
                        int a = captured[j]++ * cols + j;
                        acc[a] = ar.foldAdd(acc[a], cur.partial[bottom + j]);
                        done++;
                    }
                }
                for (int i = 0; i < rows; i++) {
                    int m = t - i;
                    boolean feed = i < r && m >= 0 && m < mc;
                    long feedValue = 0;
                    if (feed) {
                        int idx = g.inputIndex(f.group(), f.m0() + m, f.k0() + i);
                        feedValue = ar.activation(idx);
                        reads += idx >= 0 ? 1 : 0;
                    }
                    for (int j = 0; j < cols; j++) {
                        int p = i * cols + j;
                        long a = j == 0 ? feedValue : cur.activation[p - 1];
                        boolean av = j == 0 ? feed : cur.activationValid[p - 1];
                        long above = i == 0 ? 0 : cur.partial[p - cols];
                        boolean aboveValid = i == 0 ? av : cur.partialValid[p - cols];
                        nxt.activation[p] = a;
                        nxt.activationValid[p] = av && j < c; // columns beyond the fold are gated off
                        if (j >= c) {
                            nxt.partial[p] = cur.partial[p];
                            nxt.partialValid[p] = false;
                        } else if (i >= r) {
                            nxt.partial[p] = above;
                            nxt.partialValid[p] = aboveValid;
                        } else if (av) {
                            if (!aboveValid) {
                                throw new IllegalStateException("PE (" + i + ", " + j + ") of layer '" + g.name()
                                        + "' got an input without a partial sum in fold " + f.index());
                            }
                            nxt.partial[p] = ar.mac(above, a, cur.weight[p]);
                            nxt.partialValid[p] = true;
                        } else {
                            nxt.partial[p] = cur.partial[p];
                            nxt.partialValid[p] = false;
                        }
                    }
                }
                swap();
                if (t < shadowSteps) {
                    shadowReads += shiftWeights(shadow, next, t);
                }
                tick(f, ArrayProbe.Phase.STREAM);
            }
            expect(f, "input", reads, f.inputReads());
            if (f.outputs() > 0) {
                for (int m = 0; m < mc; m++) {
                    for (int j = 0; j < c; j++) {
                        int o = f.group() * g.n() + f.n0() + j;
                        ar.finish(g.outputIndex(f.m0() + m, o), acc[m * cols + j], o);
                    }
                }
            }
            return cycle - start;
        }

        long outputStationary(Fold f) {
            long start = cycle;
            int r = f.positions();
            int c = f.channels();
            int k = f.reduction();
            for (int p = 0; p < rows * cols; p++) {
                boolean live = p / cols < r && p % cols < c;
                cur.partial[p] = 0;
                cur.partialValid[p] = live;
            }
            long need = f.macs();
            long done = 0;
            long reads = 0;
            long weightReads = 0;
            long[] feedW = new long[cols];
            boolean[] feedWValid = new boolean[cols];
            for (int t = 0; done < need; t++) {
                for (int j = 0; j < c; j++) {
                    int kk = t - j;
                    feedWValid[j] = kk >= 0 && kk < k;
                    if (feedWValid[j]) {
                        feedW[j] = ar.weight(f.group() * g.n() + f.n0() + j, kk);
                        weightReads++;
                    }
                }
                for (int i = 0; i < rows; i++) {
                    int kk = t - i;
                    boolean feed = i < r && kk >= 0 && kk < k;
                    long feedValue = 0;
                    if (feed) {
                        int idx = g.inputIndex(f.group(), f.m0() + i, kk);
                        feedValue = ar.activation(idx);
                        reads += idx >= 0 ? 1 : 0;
                    }
                    for (int j = 0; j < cols; j++) {
                        int p = i * cols + j;
                        long a = j == 0 ? feedValue : cur.activation[p - 1];
                        boolean av = j == 0 ? feed : cur.activationValid[p - 1];
                        long w = i == 0 ? feedW[j] : cur.weight[p - cols];
                        boolean wv = i == 0 ? feedWValid[j] : cur.weightValid[p - cols];
                        nxt.activation[p] = a;
                        nxt.activationValid[p] = av;
                        nxt.weight[p] = w;
                        nxt.weightValid[p] = wv;
                        nxt.partialValid[p] = cur.partialValid[p];
                        if (i < r && j < c && (av || wv)) {
                            if (av != wv) {
                                throw new IllegalStateException("PE (" + i + ", " + j + ") of layer '" + g.name()
                                        + "' got an input and a weight of different cycles in fold " + f.index());
                            }
                            nxt.partial[p] = ar.mac(cur.partial[p], a, w);
                            done++;
                        } else {
                            nxt.partial[p] = cur.partial[p];
                        }
                    }
                }
                swap();
                tick(f, ArrayProbe.Phase.STREAM);
            }
            expect(f, "input", reads, f.inputReads());
            expect(f, "weight", weightReads, f.weightReads());
            for (int d = 0; d < rows; d++) {
                int bottom = (rows - 1) * cols;
                int row = rows - 1 - d; // the row this output was computed in
                for (int j = 0; j < c; j++) {
                    if (cur.partialValid[bottom + j]) {
                        int o = f.group() * g.n() + f.n0() + j;
                        ar.finish(g.outputIndex(f.m0() + row, o), cur.partial[bottom + j], o);
                    }
                }
                for (int i = rows - 1; i >= 1; i--) {
                    System.arraycopy(cur.partial, (i - 1) * cols, cur.partial, i * cols, cols);
                    System.arraycopy(cur.partialValid, (i - 1) * cols, cur.partialValid, i * cols, cols);
                }
                Arrays.fill(cur.partialValid, 0, cols, false);
                Arrays.fill(cur.activationValid, false);
                Arrays.fill(cur.weightValid, false);
                tick(f, ArrayProbe.Phase.DRAIN);
            }
            return cycle - start;
        }

        private void expect(Fold f, String what, long seen, long claimed) {
            if (seen != claimed) {
                throw new IllegalStateException("layer '" + g.name() + "' fold " + f.index() + ": the compute model"
                        + " claims " + claimed + " " + what + " scratchpad reads, the array made " + seen);
            }
        }
    }
}
