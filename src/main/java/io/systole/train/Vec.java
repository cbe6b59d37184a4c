package io.systole.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two inner loops every training kernel is built from, on the Vector API, each with a
 * scalar twin chosen by the system property {@code systole.train.scalar=true}.
 */
final class Vec {
    /** Whether the scalar twins run instead of the vector loops. */
    static final boolean SCALAR = Boolean.getBoolean("systole.train.scalar");
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Partial sums per dot product (see {@link #dot}). */
    static final int LANES = S.length();

    private Vec() {
    }

    /**
     * {@code y[yo + i] += a * x[xo + i]} for i < n: a multiply then an add per element, never
     * fused, so each element is the same float in both versions.
     */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (!SCALAR) {
            FloatVector va = FloatVector.broadcast(S, a);
            for (; i <= n - LANES; i += LANES) {
                FloatVector.fromArray(S, y, yo + i).add(va.mul(FloatVector.fromArray(S, x, xo + i)))
                        .intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /**
     * Adds the products {@code a[ao + i] * b[bo + i]}, i < n, into the partial sums
     * {@code lanes[lo .. lo + LANES)}, to be added up once by {@link #sum}. Vector: lane j takes
     * the products with i mod LANES = j by fused multiply-add, the tail goes to lane 0. Scalar:
     * every product goes to lane 0 in index order. Either order is fixed, so results are
     * reproducible on a given machine (LANES is the CPU's preferred vector width).
     */
    static void dot(float[] a, int ao, float[] b, int bo, int n, float[] lanes, int lo) {
        int i = 0;
        if (!SCALAR) {
            FloatVector acc = FloatVector.fromArray(S, lanes, lo);
            for (; i <= n - LANES; i += LANES) {
                acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            }
            acc.intoArray(lanes, lo);
        }
        float s = lanes[lo];
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        lanes[lo] = s;
    }

    /** The partial sums {@code lanes[lo .. lo + LANES)} added in lane order. */
    static float sum(float[] lanes, int lo) {
        float s = 0f;
        for (int j = 0; j < LANES; j++) {
            s += lanes[lo + j];
        }
        return s;
    }
}
