package io.systole.sim;

import io.systole.model.Window;
import io.systole.ref.Reference;
import io.systole.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Float pooling on the pooling unit equals the reference kernel on data without signed zeros or NaN. */
class PoolingUnitTest {

    @ParameterizedTest
    @CsvSource({"3, 2, 1, false, true", "2, 2, 0, true, true", "3, 2, 1, true, true", "3, 1, 1, true, false"})
    void floatPoolingMatchesTheReference(int k, int stride, int pad, boolean avg, boolean countPad) {
        int n = 2;
        int c = 5;
        int h = 9;
        Window w = new Window(k, k, stride, stride, pad, pad, 1, 1);
        SplittableRandom rnd = new SplittableRandom(k * 100 + stride * 10 + pad);
        float[] x = new float[n * c * h * h];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[] want = Reference.pool2d(x, n, c, h, h, w, avg, countPad);
        ImplicitGemm p = PoolingUnit.geometry("pool", n, c, h, h, w);
        Engine.LayerResult r = new PoolingUnit(ArrayConfig.DEFAULT).run(p, avg, countPad, 0, Tensor.of(x, n, c, h, h));
        Differential.assertSameBits("pooling", Tensor.of(want, n, c, p.outH(), p.outW()), r.output());
    }
}
