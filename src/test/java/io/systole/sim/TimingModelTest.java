package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.systole.model.Window;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The closed forms and the memory model on a layer small enough to work out by hand. */
class TimingModelTest {
    /** 1 image 2x3x3, 2x2 kernel, 3 filters: M = 4, K = 8, N = 3. */
    private static final ImplicitGemm G = new ImplicitGemm("hand", 1, 2, 3, 3, 3, 1, new Window(2, 2, 1, 1, 0, 0, 1, 1));

    private static ArrayConfig config(int rows, int cols, Dataflow d) {
        return new ArrayConfig("hand", rows, cols, d, ArrayConfig.DEFAULT.format(), 32, 4096, 4096, 4096, 8, 100,
                false, cols);
    }

    @Test
    void weightStationaryByHand() {
        ArrayConfig cfg = config(4, 2, Dataflow.WS);
        List<Fold> folds = new ArrayList<>();
        ComputeModel.of(cfg).forEachFold(G, folds::add);
        // n0 = 0 (c = 2): k0 = 0, 4; n0 = 2 (c = 1): k0 = 0, 4. Each: load 4 + Mt 4 + R 4 + c - 1.
        assertEquals(List.of(13L, 13L, 12L, 12L), folds.stream().map(Fold::computeCycles).toList());
        LayerStats s = Timing.gemm(G, cfg);
        assertEquals(50, s.computeCycles());
        // reads: 104 B (8 weights + the whole 18-element input), 32, 16, 16; writes 32 B after fold 1, 16 after 3.
        // stalls: 13 before fold 0, then hidden; 2 after the last fold for its 16 bytes.
        assertEquals(15, s.stallCycles());
        assertEquals(168, s.dramReadBytes());
        assertEquals(48, s.dramWriteBytes());
        assertEquals(64, s.inputReads());
        assertEquals(18, s.inputWrites());
        assertEquals(24, s.weightReads());
        assertEquals(24, s.weightWrites());
        assertEquals(24, s.outputReads());
        assertEquals(24, s.outputWrites());
        assertEquals(96, s.macs());
        assertEquals(0.75, s.mappingEfficiency());
        assertEquals(96.0 / (65 * 8), s.utilization());
    }

    @Test
    void doubleBufferingHidesAllButTheFirstLoad() {
        ArrayConfig cfg = config(4, 2, Dataflow.WS).withDoubleBufferedWeights(true);
        assertEquals(50 - 3 * 4, Timing.gemm(G, cfg).computeCycles());
    }

    @Test
    void outputStationaryByHand() {
        ArrayConfig cfg = config(2, 2, Dataflow.OS);
        List<Fold> folds = new ArrayList<>();
        ComputeModel.of(cfg).forEachFold(G, folds::add);
        // K + r + c - 2 + R: 8 + 2 + 2 - 2 + 2 = 12 for two columns, 11 for one.
        assertEquals(List.of(12L, 12L, 11L, 11L), folds.stream().map(Fold::computeCycles).toList());
        LayerStats s = Timing.gemm(G, cfg);
        assertEquals(46, s.computeCycles());
        assertEquals(96, s.macs());
        assertEquals(2 * 8 * 2 + 2 * 8 * 1, s.weightReads());
        assertEquals(G.outputElements(), s.outputWrites());
    }

    @Test
    void inputsThatDoNotFitAreStreamedPerFold() {
        ArrayConfig cfg = config(4, 2, Dataflow.WS).withSram(64, 4096, 4096);
        LayerStats s = Timing.gemm(G, cfg);
        assertEquals(s.inputReads(), s.inputWrites());
        assertEquals((s.inputReads() + s.weightWrites()) * 4, s.dramReadBytes());
    }

    @Test
    void accumulatorsThatDoNotFitSplitThePositions() {
        ArrayConfig cfg = config(4, 2, Dataflow.WS).withSram(4096, 4096, 2 * 2 * 4);
        WeightStationary ws = new WeightStationary(cfg);
        assertEquals(2, ws.chunk(G));
        List<Fold> folds = new ArrayList<>();
        ws.forEachFold(G, folds::add);
        assertEquals(8, folds.size());
        // the weights fit, so the second chunk fetches none
        assertEquals(G.weightElements(), Timing.gemm(G, cfg).weightWrites());
    }

    @Test
    void poolingUnitCostsOneWindowElementPerLanePerCycle() {
        ImplicitGemm p = PoolingUnit.geometry("pool", 2, 5, 6, 6, new Window(2, 2, 2, 2, 0, 0, 1, 1));
        ArrayConfig cfg = config(4, 2, Dataflow.WS);
        LayerStats s = Timing.pool(p, cfg);
        assertEquals(3, s.folds()); // 5 channels on 2 lanes
        assertEquals(3L * 2 * 3 * 3 * 4, s.computeCycles());
        assertEquals(2L * 5 * 6 * 6, s.inputReads());
        assertEquals(2L * 5 * 3 * 3, s.outputWrites());
        assertEquals(LayerStats.Unit.POOL, s.unit());
        assertEquals(0, s.macs());
    }
}
