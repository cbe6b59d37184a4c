package io.systole.sim;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.Arrays;

/**
 * A convolution or dense layer ready for the array: its mapping and its operands.
 *
 * @param gemm     the implicit GEMM (shapes, groups, window, batch)
 * @param operands weights and bias in the array's number format
 */
public record ArrayLayer(ImplicitGemm gemm, Operands operands) {
    public ArrayLayer {
        int oc = operands.outChannels(gemm.k());
        if (oc != gemm.outC()) {
            throw new IllegalArgumentException("layer '" + gemm.name() + "': operands hold " + oc
                    + " output channels, the layer has " + gemm.outC());
        }
    }

    public String name() {
        return gemm.name();
    }

    /** The tensor type of activations in a format: float32, int8, or int32 raw fixed-point values. */
    public static DType activationType(NumberFormat f) {
        return switch (f) {
            case F32 x -> DType.F32;
            case Int8Format x -> DType.I8;
            case FixedFormat x -> DType.I32;
        };
    }

    /** Checks that operands and input suit the array's format and the layer's input shape. */
    public void check(ArrayConfig cfg, Tensor input) {
        boolean ok = switch (cfg.format()) {
            case F32 f -> operands instanceof Operands.F32Layer;
            case Int8Format f -> operands instanceof Operands.Int8Layer;
            case FixedFormat f -> operands instanceof Operands.FixedLayer;
        };
        if (!ok) {
            throw new IllegalArgumentException("layer '" + name() + "': " + operands.getClass().getSimpleName()
                    + " operands do not suit a " + cfg.format() + " array");
        }
        DType want = activationType(cfg.format());
        int[] shape = {gemm.batch(), gemm.inC(), gemm.inH(), gemm.inW()};
        if (input.dtype() != want || input.size() != gemm.inputElements()) {
            throw new IllegalArgumentException("layer '" + name() + "': expects a " + want + " input of shape "
                    + Arrays.toString(shape) + " (" + gemm.inputElements() + " elements), got " + input.dtype() + " "
                    + Arrays.toString(input.shape()));
        }
    }

    /** A zero output tensor (batch, outC, outH, outW) of the format's activation type. */
    public Tensor newOutput(ArrayConfig cfg) {
        return Tensor.zeros(activationType(cfg.format()), gemm.batch(), gemm.outC(), gemm.outH(), gemm.outW());
    }
}
