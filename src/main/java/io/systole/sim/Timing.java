package io.systole.sim;

/**
 * Statistics from the closed-form models alone: the compute model's folds, each with its
 * formula's cycles, through the memory model. This is how the fast engine times layers, and how
 * topologies (shapes without values) are simulated.
 */
public final class Timing {
    private Timing() {
    }

    /** An array layer (named after the layer, type {@code gemm}). */
    public static LayerStats gemm(ImplicitGemm g, ArrayConfig cfg) {
        MemoryModel memory = MemoryModel.forGemm(cfg, g);
        ComputeModel.of(cfg).forEachFold(g, f -> memory.accept(f, f.computeCycles()));
        return memory.finish(g.name(), "gemm", LayerStats.Unit.ARRAY);
    }

    /** A pooling layer on the pooling unit, in the form of {@link PoolingUnit#geometry}. */
    public static LayerStats pool(ImplicitGemm p, ArrayConfig cfg) {
        MemoryModel memory = MemoryModel.forPool(cfg, p);
        new PoolingUnit(cfg).forEachFold(p, f -> memory.accept(f, f.computeCycles()));
        return memory.finish(p.name(), "pool", LayerStats.Unit.POOL);
    }
}
