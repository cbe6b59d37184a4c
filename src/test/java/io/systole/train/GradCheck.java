package io.systole.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.systole.model.MaxPool2d;
import io.systole.model.Network;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Finite-difference gradient checks. The training math is float32; a check perturbs one
 * float32 value at a time by +-eps, evaluates the loss (accumulated in float64 from the float32
 * outputs) and takes the central difference in float64, dividing by the difference of the two
 * perturbed floats actually used. An element passes when
 * {@code |analytic - numeric| <= rtol * max(|analytic|, |numeric|) + atol}, and the checked
 * elements of a parameter together when {@code ||analytic - numeric||_2 <= rtol *
 * ||analytic||_2}.
 *
 * <p>ReLU and max pooling make the loss piecewise smooth; a central difference across a kink
 * is meaningless. Where a {@code routing} is given (which inputs each ReLU passes and which
 * element wins each max-pooling window), an element is differenced with the largest eps of the
 * ladder for which the routing at both ends equals the routing at the point itself, and
 * skipped when there is none. The float32 rounding of the loss (its noise) divided by eps is
 * the numeric value's own error, so with a ladder the absolute tolerance is noise / eps.
 */
final class GradCheck {
    private GradCheck() {
    }

    /** Checks every element of {@code values} with one eps (inputs keep kinks further than eps away). */
    static void check(String what, float[] values, float[] analytic, DoubleSupplier loss, double eps, double rtol,
            double atol) {
        check(what, values, analytic, loss, null, new double[] {eps}, rtol, atol * eps);
    }

    /**
     * Checks every element of {@code values}, trying each eps in the order given, with absolute
     * tolerance {@code noise / eps};
     * fails naming the worst element, its values and the tolerance. Returns how many elements
     * were skipped for want of an eps free of routing changes (none without a routing).
     */
    static int check(String what, float[] values, float[] analytic, DoubleSupplier loss, Supplier<float[]> routing,
            double[] epsLadder, double rtol, double noise) {
        float[] base = routing == null ? null : routing.get();
        double worst = 0;
        String report = null;
        double errSq = 0;
        double normSq = 0;
        int skipped = 0;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            double numeric = Double.NaN;
            double used = 0;
            for (double eps : epsLadder) {
                float plus = (float) (v + eps);
                float minus = (float) (v - eps);
                values[i] = plus;
                double lp = loss.getAsDouble();
                boolean smooth = base == null || Arrays.equals(base, routing.get());
                values[i] = minus;
                double lm = loss.getAsDouble();
                smooth &= base == null || Arrays.equals(base, routing.get());
                values[i] = v;
                if (smooth) {
                    numeric = (lp - lm) / ((double) plus - minus);
                    used = eps;
                    break;
                }
            }
            if (Double.isNaN(numeric)) {
                skipped++;
                continue;
            }
            double a = analytic[i];
            errSq += (a - numeric) * (a - numeric);
            normSq += a * a;
            double atol = noise / used;
            double excess = Math.abs(a - numeric) / (rtol * Math.max(Math.abs(a), Math.abs(numeric)) + atol);
            if (excess > worst) {
                worst = excess;
                report = String.format("%s[%d]: analytic %.8g, numeric %.8g (rtol %.1g, atol %.1g, eps %.1g)", what, i,
                        a, numeric, rtol, atol, used);
            }
        }
        if (worst > 1) {
            fail("gradient check failed: " + report + ", " + String.format("%.2f", worst) + "x the tolerance");
        }
        if (Math.sqrt(errSq) > rtol * Math.sqrt(normSq)) {
            fail(String.format("gradient check failed: %s: relative 2-norm error %.3g > rtol %.1g", what,
                    Math.sqrt(errSq / normSq), rtol));
        }
        return skipped;
    }

    /**
     * The routing of a network on a batch: for every ReLU node, 1 where its input is positive;
     * for every max-pooling node, how many windows each input element wins. Computed with the
     * reference engine and the backward kernels fed with ones.
     */
    static float[] routing(Network net, Tensor x) {
        Map<String, Tensor> all = ReferenceEngine.forwardAll(net, x);
        int n = x.dim(0);
        float[] out = new float[0];
        for (Network.Node node : net.nodes()) {
            float[] in = all.get(node.inputs().getFirst()).floats();
            Shape s = net.shapeOf(node.inputs().getFirst());
            float[] ones = new float[Math.toIntExact(n * node.output().size())];
            Arrays.fill(ones, 1f);
            float[] part = switch (node.layer()) {
                case ReLU r -> ActivationKernels.reluBackward(in, ones);
                case MaxPool2d p -> PoolKernels.backward(in, n, s.c(), s.h(), s.w(), p.window(), false, false, ones);
                default -> new float[0];
            };
            float[] joined = Arrays.copyOf(out, out.length + part.length);
            System.arraycopy(part, 0, joined, out.length, part.length);
            out = joined;
        }
        return out;
    }

    /** Uniform values in [-1, 1), seeded. */
    static float[] random(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /**
     * Distinct values spaced at least {@code gap} apart and at least gap/2 away from 0, in a
     * seeded random order: inputs for which a perturbation smaller than gap/2 crosses no kink
     * of ReLU or max pooling.
     */
    static float[] spaced(int n, double gap, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((i - n / 2 + 0.5) * gap);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** {@code sum_i r_i * y_i} in float64: a loss whose gradient with respect to y is r. */
    static double dotLoss(float[] r, float[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (double) r[i] * y[i];
        }
        return s;
    }
}
