package io.systole.train;

import static io.systole.train.GradCheck.check;
import static io.systole.train.GradCheck.dotLoss;
import static io.systole.train.GradCheck.random;
import static io.systole.train.GradCheck.spaced;

import io.systole.model.Window;
import io.systole.ref.Reference;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of every layer's backward pass, one layer at a time, with the loss
 * {@code sum(r * y)} for a fixed random r (so dy = r). Convolution, dense and average pooling
 * are linear in each of their inputs and parameters, and ReLU and max pooling are linear between
 * kinks that the spaced inputs keep further away than eps: for them the central difference is
 * exact up to float32 rounding of the forward pass, so a large eps and a tight tolerance
 * (rtol 1e-4, atol 1e-4) hold. The smooth softmax takes eps 1e-2 and rtol 2e-3.
 */
class LayerGradientTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-4;

    /** Sizes deliberately awkward: odd channels, 9x7 images, stride 2, padding, dilation, groups. */
    @Test
    void convolutionGradientsOfWeightBiasAndInput() {
        conv(2, 3, 9, 7, 5, 1, new Window(3, 3, 2, 2, 1, 1, 1, 1), true);
        conv(2, 4, 8, 9, 6, 2, new Window(3, 2, 1, 2, 2, 1, 2, 1), true);
        conv(1, 5, 6, 6, 5, 5, new Window(2, 2, 1, 1, 1, 1, 2, 2), true);
        conv(3, 2, 5, 5, 3, 1, new Window(5, 5, 1, 1, 0, 0, 1, 1), false);
    }

    private static void conv(int n, int inC, int h, int w, int outC, int groups, Window win, boolean withBias) {
        float[] x = random(n * inC * h * w, 1);
        float[] wt = random(outC * inC / groups * win.kh() * win.kw(), 2);
        float[] b = withBias ? random(outC, 3) : null;
        float[] y = ConvKernels.forward(x, n, inC, h, w, wt, b, outC, groups, win);
        float[] r = random(y.length, 4);
        float[] dW = new float[wt.length];
        float[] dB = withBias ? new float[outC] : null;
        float[] dx = ConvKernels.backward(x, n, inC, h, w, wt, outC, groups, win, r, dW, dB, true);
        java.util.function.DoubleSupplier loss =
                () -> dotLoss(r, ConvKernels.forward(x, n, inC, h, w, wt, b, outC, groups, win));
        String what = "conv " + win + " groups " + groups;
        check(what + " weight", wt, dW, loss, 0.25, RTOL, ATOL);
        check(what + " input", x, dx, loss, 0.25, RTOL, ATOL);
        if (withBias) {
            check(what + " bias", b, dB, loss, 0.25, RTOL, ATOL);
        }
    }

    @Test
    void maxPoolingGradientWithPaddingAndOverlap() {
        pool(new Window(3, 3, 2, 2, 1, 1, 1, 1), false, true);
        pool(new Window(2, 2, 2, 2, 0, 0, 1, 1), false, true);
        pool(new Window(3, 2, 1, 1, 1, 1, 1, 1), false, true);
    }

    @Test
    void averagePoolingGradientCountingOrNotCountingPadding() {
        pool(new Window(3, 3, 2, 2, 1, 1, 1, 1), true, true);
        pool(new Window(3, 3, 2, 2, 1, 1, 1, 1), true, false);
        pool(new Window(2, 3, 1, 2, 1, 1, 1, 1), true, false);
    }

    private static void pool(Window win, boolean avg, boolean countIncludePad) {
        int n = 2;
        int c = 3;
        int h = 9;
        int w = 7;
        float[] x = spaced(n * c * h * w, 0.05, 5);
        float[] y = Reference.pool2d(x, n, c, h, w, win, avg, countIncludePad);
        float[] r = random(y.length, 6);
        float[] dx = PoolKernels.backward(x, n, c, h, w, win, avg, countIncludePad, r);
        check((avg ? "avgpool " : "maxpool ") + win + " countIncludePad " + countIncludePad, x, dx,
                () -> dotLoss(r, Reference.pool2d(x, n, c, h, w, win, avg, countIncludePad)), 0.01, RTOL, ATOL);
    }

    @Test
    void reluGradient() {
        float[] x = spaced(97, 0.05, 7);
        float[] r = random(x.length, 8);
        check("relu", x, ActivationKernels.reluBackward(x, r), () -> dotLoss(r, Reference.relu(x)), 0.01, RTOL, ATOL);
    }

    @Test
    void denseGradientsOfWeightBiasAndInput() {
        int n = 3;
        int in = 17;
        int out = 7;
        float[] x = random(n * in, 9);
        float[] wt = random(out * in, 10);
        float[] b = random(out, 11);
        float[] r = random(n * out, 12);
        float[] dW = new float[wt.length];
        float[] dB = new float[out];
        float[] dx = DenseKernels.backward(x, n, in, wt, out, r, dW, dB, true);
        java.util.function.DoubleSupplier loss = () -> dotLoss(r, DenseKernels.forward(x, n, in, wt, b, out));
        check("dense weight", wt, dW, loss, 0.25, RTOL, ATOL);
        check("dense bias", b, dB, loss, 0.25, RTOL, ATOL);
        check("dense input", x, dx, loss, 0.25, RTOL, ATOL);
    }

    @Test
    void softmaxGradient() {
        int n = 3;
        int f = 7;
        float[] z = random(n * f, 13);
        float[] r = random(n * f, 14);
        float[] dz = ActivationKernels.softmaxBackward(Reference.softmax(z, n, f), n, f, r);
        check("softmax", z, dz, () -> dotLoss(r, Reference.softmax(z, n, f)), 1e-2, 2e-3, 1e-5);
    }

    /** The loss is computed in float64 from the float32 logits, so a small eps is exact enough. */
    @Test
    void softmaxCrossEntropyGradient() {
        int n = 4;
        int f = 5;
        float[] z = random(n * f, 15);
        for (int i = 0; i < z.length; i++) {
            z[i] *= 3;
        }
        int[] labels = {0, 4, 2, 2};
        float[] dz = new float[z.length];
        float scale = 0.25f;
        SoftmaxCrossEntropy.lossAndGradient(z, n, f, labels, scale, dz);
        check("softmax cross-entropy", z, dz,
                () -> scale * SoftmaxCrossEntropy.lossAndGradient(z, n, f, labels, 1f, new float[z.length]), 1e-3, 1e-5,
                1e-6);
    }
}
