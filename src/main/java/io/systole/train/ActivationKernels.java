package io.systole.train;

/**
 * Gradients of the elementwise and normalising layers; their forward passes are the
 * {@link io.systole.ref.Reference} kernels.
 */
public final class ActivationKernels {
    private ActivationKernels() {
    }

    /** ReLU: dx = dy where x > 0, else 0 (the derivative at 0 is taken as 0). Any shape. */
    public static float[] reluBackward(float[] x, float[] dy) {
        float[] dx = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            dx[i] = x[i] > 0f ? dy[i] : 0f;
        }
        return dx;
    }

    /**
     * Softmax over each row of y (n, f), given its output y: {@code dx_i = y_i * (dy_i - sum_j
     * dy_j * y_j)}. A network's final softmax is not differentiated this way in training: the
     * loss fuses it with the cross-entropy ({@link SoftmaxCrossEntropy}).
     */
    public static float[] softmaxBackward(float[] y, int n, int f, float[] dy) {
        float[] dx = new float[y.length];
        for (int b = 0; b < n; b++) {
            int o = b * f;
            float s = 0f;
            for (int i = 0; i < f; i++) {
                s += dy[o + i] * y[o + i];
            }
            for (int i = 0; i < f; i++) {
                dx[o + i] = y[o + i] * (dy[o + i] - s);
            }
        }
        return dx;
    }
}
