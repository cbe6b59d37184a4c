package io.systole.sim;

import io.systole.tensor.Tensor;

/**
 * Runs one array layer: its output values and what it cost. Both engines give the same output
 * bits, the same overflow counts and the same statistics.
 */
public sealed interface Engine permits FastEngine, PeEngine {

    /** The output of a layer and its statistics (named after the layer, type {@code gemm}). */
    record LayerResult(Tensor output, LayerStats stats) {
    }

    /** Runs a layer on an input of the array's activation type, shape (batch, inC, inH, inW). */
    LayerResult run(ArrayLayer layer, Tensor input, ArrayConfig cfg);
}
