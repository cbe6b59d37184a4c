package io.systole.train;

import io.systole.model.Parameter;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum and weight decay (L2), per parameter element:
 * {@code d = g + weightDecay * w; v = momentum * v + d; w -= lr * v} (v starts at zero; with
 * momentum 0 this is {@code w -= lr * d}).
 */
public final class Sgd implements Optimizer {
    private double lr;
    private final double momentum;
    private final double weightDecay;
    private final Map<Parameter, float[]> velocity = new IdentityHashMap<>();

    public Sgd(double lr, double momentum, double weightDecay) {
        this.lr = Optimizer.checkLearningRate(lr);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Gradients grads) {
        float rate = (float) lr;
        float mu = (float) momentum;
        float wd = (float) weightDecay;
        for (Parameter p : grads.parameters()) {
            float[] w = p.data();
            float[] g = grads.of(p);
            float[] v = velocity.computeIfAbsent(p, k -> new float[k.size()]);
            for (int i = 0; i < w.length; i++) {
                v[i] = mu * v[i] + (g[i] + wd * w[i]);
                w[i] -= rate * v[i];
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
        return "sgd(lr=" + lr + ", momentum=" + momentum + ", weight_decay=" + weightDecay + ")";
    }
}
