package io.systole.hls;

import io.systole.sim.ArrayLayer;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.PoolingUnit;
import io.systole.tensor.Tensor;

/**
 * One layer to export, with the input it is simulated on. The input is in the array's activation
 * type (int8, or raw fixed-point values as int32) and shape (batch, inC, inH, inW); the Java
 * simulator's output for it becomes the project's golden output.
 */
public sealed interface HlsLayer {

    /** The layer's name, which names its files and its top function. */
    String name();

    /** The geometry: an array layer's implicit GEMM, or a pooling window in the form of {@link PoolingUnit#geometry}. */
    ImplicitGemm geometry();

    /** The input, (batch, inC, inH, inW). */
    Tensor input();

    /**
     * A convolution or dense layer on the array, with its quantized operands.
     *
     * @param layer the mapping and the operands in the array's format
     * @param input its input
     */
    record Gemm(ArrayLayer layer, Tensor input) implements HlsLayer {
        @Override
        public String name() {
            return layer.name();
        }

        @Override
        public ImplicitGemm geometry() {
            return layer.gemm();
        }
    }

    /**
     * A pooling layer on the pooling unit.
     *
     * @param geometry        the window over (batch, C, H, W), from {@link PoolingUnit#geometry}
     * @param average         average (else max) pooling
     * @param countIncludePad average pooling: padded positions count in the divisor
     * @param zeroPoint       int8: the input's zero point, the value of a padded position (else ignored)
     * @param input           its input
     */
    record Pool(ImplicitGemm geometry, boolean average, boolean countIncludePad, int zeroPoint, Tensor input)
            implements HlsLayer {
        @Override
        public String name() {
            return geometry.name();
        }
    }
}
