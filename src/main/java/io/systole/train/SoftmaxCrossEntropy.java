package io.systole.train;

import io.systole.ref.Reference;

/**
 * The training loss: softmax over class scores (logits) fused with the cross-entropy against an
 * integer label, {@code loss = log(sum_j exp(z_j)) - z_label} per sample, whose gradient is
 * {@code softmax(z) - onehot(label)}. Fusing avoids the log of a rounded-to-zero probability.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    /**
     * The summed loss over the n rows of z (n, f) for {@code labels[0..n)}, in float64 (nats),
     * and writes {@code dz = scale * (softmax(z) - onehot)} (n, f), the softmax being
     * {@link Reference#softmax}. A label outside [0, f) is an error naming it.
     */
    public static double lossAndGradient(float[] z, int n, int f, int[] labels, float scale, float[] dz) {
        float[] p = Reference.softmax(z, n, f);
        double loss = 0;
        for (int b = 0; b < n; b++) {
            int o = b * f;
            int label = labels[b];
            if (label < 0 || label >= f) {
                throw new IllegalArgumentException("label " + label + " of sample " + b + " is outside the "
                        + f + " classes the network outputs");
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < f; i++) {
                max = Math.max(max, z[o + i]);
            }
            double sum = 0;
            for (int i = 0; i < f; i++) {
                sum += Math.exp(z[o + i] - max);
            }
            loss += max + Math.log(sum) - z[o + label];
            for (int i = 0; i < f; i++) {
                dz[o + i] = scale * (p[o + i] - (i == label ? 1f : 0f));
            }
        }
        return loss;
    }

    /** The index of the largest of f scores starting at {@code offset}; the first on ties. */
    public static int argmax(float[] z, int offset, int f) {
        int best = 0;
        for (int i = 1; i < f; i++) {
            if (z[offset + i] > z[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
