package io.systole.sim;

import java.util.function.Consumer;

/**
 * The compute side of a dataflow: how a layer's implicit GEMM is cut into folds, in which order
 * they run, what each costs in array cycles and which operands it reads. One implementation per
 * dataflow; the engines and the memory model see only this interface.
 */
public sealed interface ComputeModel permits WeightStationary, OutputStationary {

    /** The model of a configuration's dataflow. */
    static ComputeModel of(ArrayConfig cfg) {
        return switch (cfg.dataflow()) {
            case WS -> new WeightStationary(cfg);
            case OS -> new OutputStationary(cfg);
        };
    }

    /** The array it models. */
    ArrayConfig config();

    /** Visits the layer's folds in execution order. */
    void forEachFold(ImplicitGemm g, Consumer<Fold> visitor);

    /**
     * Length of the reduction segments whose partial sums start from zero: R for WS (one segment
     * per fold down a column), K for OS (one PE accumulates everything).
     */
    int foldLength(ImplicitGemm g);
}
