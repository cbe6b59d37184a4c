package io.systole.train;

import io.systole.model.Shape;
import io.systole.tensor.Tensor;
import java.util.SplittableRandom;

/** Small learnable datasets for tests, seeded. */
final class Synthetic {
    private Synthetic() {
    }

    /**
     * n samples of the given shape with random labels in [0, classes): the sample's elements are
     * cut into {@code classes} equal contiguous blocks, the block of its label drawn from
     * U(0.4, 1), the others (and any remainder) from U(0, 0.6).
     */
    static Dataset classes(Shape shape, int classes, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int per = Math.toIntExact(shape.size());
        int block = per / classes;
        float[] x = new float[n * per];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            y[s] = rnd.nextInt(classes);
            for (int i = 0; i < per; i++) {
                boolean hot = i / block == y[s];
                x[s * per + i] = (float) ((hot ? 0.4 : 0) + 0.6 * rnd.nextDouble());
            }
        }
        return Dataset.of("synthetic", Tensor.of(x, shape.batched(n)), y);
    }
}
