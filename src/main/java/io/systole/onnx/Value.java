package io.systole.onnx;

import io.systole.model.Shape;

/** What an ONNX value name stands for while a graph is imported. */
sealed interface Value permits Value.Activation, Constant, Value.Unavailable {

    /**
     * A tensor computed at run time: the output of network node {@code node} (or the network
     * input, {@link io.systole.model.Network#INPUT}); {@code shape} is one sample's shape, so the
     * ONNX tensor is (N, C, H, W) for an image and (N, F) for a vector.
     */
    record Activation(String node, Shape shape) implements Value {
        /** The ONNX tensor shape, (N, C, H, W) or (N, F), with N = {@link Constant#BATCH}. */
        long[] onnxDims() {
            int[] d = shape.dims();
            long[] r = new long[d.length + 1];
            r[0] = Constant.BATCH;
            for (int i = 0; i < d.length; i++) {
                r[i + 1] = d[i];
            }
            return r;
        }
    }

    /** The output of a node that could not be imported. */
    enum Unavailable implements Value {
        INSTANCE
    }
}
