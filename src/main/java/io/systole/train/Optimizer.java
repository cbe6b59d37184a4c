package io.systole.train;

/**
 * Updates parameters from their gradients, in place. The state an optimizer keeps (momentum,
 * moment estimates) is keyed by parameter identity, so a tied parameter is updated once per
 * step with the sum of its uses' gradients.
 */
public sealed interface Optimizer permits Sgd, Adam {
    /** Applies one step to every parameter of {@code grads}, using its buffers as the gradient. */
    void step(Gradients grads);

    /** The current learning rate. */
    double learningRate();

    /** Sets the learning rate for the following steps (a schedule calls this between epochs). */
    void setLearningRate(double lr);

    /** A short description with the settings, e.g. {@code adam(lr=0.001, ...)}. */
    String describe();

    /** Requires a finite, positive learning rate. */
    static double checkLearningRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        return lr;
    }
}
