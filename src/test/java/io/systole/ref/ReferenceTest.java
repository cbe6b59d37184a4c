package io.systole.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.Conv2d;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Shape;
import io.systole.model.Window;
import io.systole.model.Zoo;
import io.systole.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReferenceTest {

    @Test
    void convolutionByHand() {
        // x (1,1,3,3) = 1..9, kernel 2x2 [[1,0],[0,-1]], bias 0.5, stride 1, no padding
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 0, 0, -1};
        float[] y = Reference.conv2d(x, 1, 1, 3, 3, w, new float[] {0.5f}, 1, 1, new Window(2, 2, 1, 1, 0, 0, 1, 1));
        // each output = x[i][j] - x[i+1][j+1] + 0.5 = -4 + 0.5
        assertArrayEquals(new float[] {-3.5f, -3.5f, -3.5f, -3.5f}, y);
    }

    @Test
    void convolutionWithPaddingStrideAndDilationByHand() {
        // x (1,1,4,4) = 1..16, 2x2 kernel of ones, dilation 2, padding 1, stride 2 -> 2x2
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1;
        }
        float[] y = Reference.conv2d(x, 1, 1, 4, 4, new float[] {1, 1, 1, 1}, null, 1, 1,
                new Window(2, 2, 2, 2, 1, 1, 2, 2));
        // out(0,0) taps (-1,-1),(-1,1),(1,-1),(1,1) -> only (1,1)=6
        // out(0,1) taps (-1,1),(-1,3),(1,1),(1,3) -> 6 + 8
        // out(1,0) taps (1,-1),(1,1),(3,-1),(3,1) -> 6 + 14
        // out(1,1) taps (1,1),(1,3),(3,1),(3,3) -> 6 + 8 + 14 + 16
        assertArrayEquals(new float[] {6, 14, 20, 44}, y);
    }

    @Test
    void groupedConvolutionKeepsGroupsApart() {
        // 2 input channels, 2 groups, 1x1 kernel: out c = w[c] * in c
        float[] x = {1, 2, 3, 4, 10, 20, 30, 40};
        float[] y = Reference.conv2d(x, 1, 2, 2, 2, new float[] {2, -1}, new float[] {0, 1}, 2, 2,
                new Window(1, 1, 1, 1, 0, 0, 1, 1));
        assertArrayEquals(new float[] {2, 4, 6, 8, -9, -19, -29, -39}, y);
    }

    @Test
    void poolingByHand() {
        float[] x = {1, -2, 3, 4, 5, -6, 7, 8, 9};
        Window w = new Window(2, 2, 2, 2, 1, 1, 1, 1);
        // padded windows of a 3x3 input with pad 1, stride 2 -> 2x2 outputs
        assertArrayEquals(new float[] {1, 3, 7, 9}, Reference.pool2d(x, 1, 1, 3, 3, w, false, false));
        assertArrayEquals(new float[] {1 / 4f, 1 / 4f, 11 / 4f, 4f}, Reference.pool2d(x, 1, 1, 3, 3, w, true, true));
        assertArrayEquals(new float[] {1f, 0.5f, 5.5f, 4f}, Reference.pool2d(x, 1, 1, 3, 3, w, true, false));
        float[] neg = {-5, -3, -4, -1};
        assertArrayEquals(new float[] {-1}, Reference.pool2d(neg, 1, 1, 2, 2, new Window(2, 2, 2, 2, 0, 0, 1, 1),
                false, false), "max ignores padding even when every value is negative");
    }

    @Test
    void denseByHand() {
        float[] y = Reference.dense(new float[] {1, 2, 3, -1, 0, 1}, 2, 3,
                new float[] {1, 1, 1, 0, 2, 0}, new float[] {10, 20}, 2);
        assertArrayEquals(new float[] {16, 24, 10, 20}, y);
    }

    /**
     * Independent formula: a convolution equals its fully connected equivalent, a dense layer
     * whose (outC*outH*outW, inC*H*W) matrix places each filter tap at its input position.
     * Small integers keep every float sum exact, so the comparison is exact.
     */
    @Test
    void convolutionEqualsItsUnrolledDenseMatrix() {
        SplittableRandom r = new SplittableRandom(7);
        int[][] cases = {{3, 9, 9, 5, 3, 3, 1, 1, 1, 1}, {4, 7, 8, 6, 2, 3, 2, 1, 1, 2}, {6, 9, 9, 3, 3, 2, 2, 2, 3, 3}};
        for (int[] c : cases) {
            int inC = c[0], h = c[1], w = c[2], outC = c[3], kh = c[4], kw = c[5], s = c[6], p = c[7], d = c[8];
            int g = c[9];
            Window win = new Window(kh, kw, s, s, p, p, d, d);
            int outH = Window.outSize("t", "height", h, kh, s, p, d);
            int outW = Window.outSize("t", "width", w, kw, s, p, d);
            int cinG = inC / g;
            float[] x = ints(r, 2 * inC * h * w);
            float[] wt = ints(r, outC * cinG * kh * kw);
            float[] bias = ints(r, outC);
            int rows = outC * outH * outW;
            int cols = inC * h * w;
            float[] m = new float[rows * cols];
            float[] mb = new float[rows];
            for (int o = 0; o < outC; o++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        int row = (o * outH + oy) * outW + ox;
                        mb[row] = bias[o];
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * s - p + ky * d;
                                    int ix = ox * s - p + kx * d;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        int ch = o / (outC / g) * cinG + ci;
                                        m[row * cols + (ch * h + iy) * w + ix] += wt[((o * cinG + ci) * kh + ky) * kw + kx];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            assertArrayEquals(Reference.dense(x, 2, cols, m, mb, rows),
                    Reference.conv2d(x, 2, inC, h, w, wt, bias, outC, g, win));
        }
    }

    private static float[] ints(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(-4, 5);
        }
        return a;
    }

    @Test
    void softmaxRowsSumToOneAndKeepOrder() {
        float[] y = Reference.softmax(new float[] {1, 2, 3, 1000, 1000, 1000}, 2, 3);
        assertEquals(1.0, y[0] + y[1] + y[2], 1e-6);
        assertTrue(y[0] < y[1] && y[1] < y[2]);
        assertEquals(1 / 3f, y[4], 1e-7);
    }

    @Test
    void engineRunsEveryZooNetworkBatchedAndChecksInput() {
        for (String name : new String[] {"lenet5", "lenet5-28", "tiny", "tied-mlp"}) {
            Network net = Zoo.get(name);
            int n = 3;
            float[] x = ints(new SplittableRandom(3), Math.toIntExact(n * net.inputShape().size()));
            Tensor y = ReferenceEngine.forward(net, Tensor.of(x, net.inputShape().batched(n)));
            assertArrayEquals(net.outputShape().batched(n), y.shape());
            // batching: sample 1 alone gives the same bits as inside the batch
            Tensor one = ReferenceEngine.forward(net, Tensor.of(x, net.inputShape().batched(n)).slice(1, 2));
            assertEquals(one, y.slice(1, 2), name);
        }
        Network net = Zoo.get("lenet5-28");
        String m = assertThrows(ModelException.class,
                () -> ReferenceEngine.forward(net, Tensor.of(new float[2 * 32 * 32], 2, 1, 32, 32))).getMessage();
        assertTrue(m.contains("(N, 1, 28, 28)") && m.contains("[2, 1, 32, 32]"), m);
        String d = assertThrows(ModelException.class,
                () -> ReferenceEngine.forward(net, Tensor.of(new int[28 * 28], 1, 1, 28, 28))).getMessage();
        assertTrue(d.contains("float32") && d.contains("I32"), d);
    }

    @Test
    void residualDagAddsBranches() {
        Conv2d c = Conv2d.builder().setName("c").setInChannels(1).setOutChannels(1).setKernel(1).build();
        c.weight().data()[0] = 2f;
        c.bias().data()[0] = 0f;
        Network net = Network.builder("res", Shape.chw(1, 1, 2)).add(c)
                .add(new io.systole.model.Add("sum"), "c", Network.INPUT).build();
        Tensor y = ReferenceEngine.forward(net, Tensor.of(new float[] {1, -3}, 1, 1, 1, 2));
        assertArrayEquals(new float[] {3, -9}, y.floats());
    }
}
