package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.systole.model.Conv2d;
import io.systole.model.Shape;
import io.systole.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Weights changed in place between runs (as training does) are used, not a stale packed copy. */
class WeightUpdateTest {
    @Test
    void theFastEngineSeesWeightsChangedInPlace() {
        Conv2d c = Conv2d.builder().setName("c").setInChannels(5).setOutChannels(7).setKernel(3).optPadding(1).build();
        SplittableRandom r = new SplittableRandom(1);
        float[] w = c.weight().data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextDouble(-1, 1);
        }
        float[] x = new float[2 * 5 * 9 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        ArrayConfig cfg = ArrayConfig.DEFAULT;
        ArrayLayer layer = new ArrayLayer(ImplicitGemm.of(c, Shape.chw(5, 9, 9), 2), new Operands.F32Layer(w, null));
        Tensor in = Tensor.of(x, 2, 5, 9, 9);
        FastEngine fast = new FastEngine(false);
        FastEngine scalar = new FastEngine(true);
        assertEquals(scalar.run(layer, in, cfg).output(), fast.run(layer, in, cfg).output());
        for (int i = 0; i < w.length; i++) {
            w[i] *= -0.5f;
        }
        assertEquals(scalar.run(layer, in, cfg).output(), fast.run(layer, in, cfg).output());
    }
}
