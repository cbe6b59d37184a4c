package io.systole.train;

/**
 * Fully connected layer for training over flat row-major float32 arrays: forward pass, weight
 * and bias gradients, input gradient. Every inner loop runs along a contiguous row
 * ({@link Vec#axpy}).
 */
public final class DenseKernels {
    private DenseKernels() {
    }

    /**
     * Forward pass, equal to {@link io.systole.ref.Reference#dense} bit for bit: each output sums
     * its products in input order from zero, then adds the bias. The weight is transposed to
     * (in, out) so the inner loop runs along the outputs. x (n, in); weight (out, in); bias (out)
     * or null; returns (n, out).
     */
    public static float[] forward(float[] x, int n, int in, float[] weight, float[] bias, int out) {
        float[] wt = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                wt[i * out + o] = weight[o * in + i];
            }
        }
        float[] y = new float[n * out];
        for (int b = 0; b < n; b++) {
            int yo = b * out;
            for (int i = 0; i < in; i++) {
                Vec.axpy(x[b * in + i], wt, i * out, y, yo, out);
            }
            if (bias != null) {
                for (int o = 0; o < out; o++) {
                    y[yo + o] += bias[o];
                }
            }
        }
        return y;
    }

    /**
     * Backward pass for dy (n, out): adds the weight gradient (out, in) to {@code dWeight} and
     * the bias gradient (out) to {@code dBias} when it is not null; returns the input gradient
     * (n, in), or null when {@code inputGradient} is false.
     */
    public static float[] backward(float[] x, int n, int in, float[] weight, int out, float[] dy,
            float[] dWeight, float[] dBias, boolean inputGradient) {
        float[] dx = inputGradient ? new float[n * in] : null;
        for (int b = 0; b < n; b++) {
            int xo = b * in;
            for (int o = 0; o < out; o++) {
                float d = dy[b * out + o];
                Vec.axpy(d, x, xo, dWeight, o * in, in);
                if (inputGradient) {
                    Vec.axpy(d, weight, o * in, dx, xo, in);
                }
                if (dBias != null) {
                    dBias[o] += d;
                }
            }
        }
        return dx;
    }
}
