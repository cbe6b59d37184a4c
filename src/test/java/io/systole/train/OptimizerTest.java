package io.systole.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.systole.model.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    private static Gradients single(Parameter p, float... g) {
        Gradients grads = new Gradients(List.of(p));
        System.arraycopy(g, 0, grads.of(p), 0, g.length);
        return grads;
    }

    /** Two steps worked by hand: d = g + wd*w; v = mu*v + d; w -= lr*v. */
    @Test
    void sgdWithMomentumAndWeightDecay() {
        Parameter p = new Parameter("w", new float[] {1f, -2f}, 2);
        Gradients g = single(p, 0.5f, 0f);
        Sgd sgd = new Sgd(0.1, 0.9, 0.01);
        sgd.step(g);
        assertEquals(1 - 0.1 * 0.51, p.data()[0], 1e-6);
        assertEquals(-2 - 0.1 * -0.02, p.data()[1], 1e-6);
        sgd.step(g);
        double w0 = 1 - 0.1 * 0.51;
        double v0 = 0.9 * 0.51 + 0.5 + 0.01 * w0;
        assertEquals(w0 - 0.1 * v0, p.data()[0], 1e-6);
    }

    /** With bias correction, Adam's first step moves each weight by lr against its gradient's sign. */
    @Test
    void adamFirstStepIsLearningRateTimesSign() {
        Parameter p = new Parameter("w", new float[] {1f, 1f, 1f}, 3);
        Adam adam = new Adam(0.01, 0);
        adam.step(single(p, 3f, -0.002f, 0f));
        assertEquals(0.99, p.data()[0], 1e-6);
        assertEquals(1.01, p.data()[1], 1e-5);
        assertEquals(1.0, p.data()[2], 0);
        adam.step(single(p, 3f, -0.002f, 0f));
        assertEquals(0.98, p.data()[0], 1e-6);
    }

    /** A tied parameter is one entry: it moves once per step, by its summed gradient. */
    @Test
    void tiedParameterIsUpdatedOncePerStep() {
        Parameter p = new Parameter("w", new float[] {1f}, 1);
        Gradients g = new Gradients(List.of(p));
        g.of(p)[0] += 0.25f;
        g.of(p)[0] += 0.5f;
        new Sgd(1, 0, 0).step(g);
        assertEquals(0.25f, p.data()[0]);
        assertThrows(IllegalArgumentException.class, () -> new Gradients(List.of(p, p)));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0, 0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(1e-3, -1));
    }
}
