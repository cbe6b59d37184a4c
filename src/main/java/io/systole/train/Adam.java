package io.systole.train;

import io.systole.model.Parameter;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) with bias correction and optional L2 weight decay, per parameter
 * element at step t = 1, 2, ...: {@code d = g + weightDecay * w; m = b1*m + (1-b1)*d;
 * v = b2*v + (1-b2)*d*d; w -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}.
 */
public final class Adam implements Optimizer {
    private double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<Parameter, float[][]> moments = new IdentityHashMap<>();
    private long t;

    /** Adam with the usual defaults b1 = 0.9, b2 = 0.999, eps = 1e-8. */
    public Adam(double lr, double weightDecay) {
        this(lr, 0.9, 0.999, 1e-8, weightDecay);
    }

    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        this.lr = Optimizer.checkLearningRate(lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + " and " + beta2);
        }
        if (!(eps > 0) || !(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("Adam needs eps > 0 and weight decay >= 0, got " + eps + " and "
                    + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Gradients grads) {
        t++;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        float rate = (float) lr;
        float e = (float) eps;
        float wd = (float) weightDecay;
        for (Parameter p : grads.parameters()) {
            float[] w = p.data();
            float[] g = grads.of(p);
            float[][] mv = moments.computeIfAbsent(p, k -> new float[][] {new float[k.size()], new float[k.size()]});
            float[] m = mv[0];
            float[] v = mv[1];
            for (int i = 0; i < w.length; i++) {
                float d = g[i] + wd * w[i];
                m[i] = b1 * m[i] + (1 - b1) * d;
                v[i] = b2 * v[i] + (1 - b2) * d * d;
                w[i] -= rate * (m[i] / c1) / ((float) Math.sqrt(v[i] / c2) + e);
            }
        }
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        this.lr = Optimizer.checkLearningRate(lr);
    }

    @Override
    public String describe() {
        return "adam(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weight_decay="
                + weightDecay + ")";
    }
}
