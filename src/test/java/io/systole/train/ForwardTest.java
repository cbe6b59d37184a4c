package io.systole.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.systole.model.Network;
import io.systole.model.Window;
import io.systole.model.Zoo;
import io.systole.ref.Reference;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The training forward pass equals the reference engine bit for bit. */
class ForwardTest {
    @Test
    void convolutionEqualsReferenceBitForBit() {
        Window[] windows = {new Window(3, 3, 1, 1, 0, 0, 1, 1), new Window(3, 3, 2, 2, 1, 1, 1, 1),
            new Window(3, 2, 1, 2, 2, 1, 2, 1), new Window(5, 5, 1, 1, 2, 2, 1, 1)};
        int[][] sizes = {{2, 3, 9, 9, 5, 1}, {1, 4, 17, 18, 6, 2}, {3, 5, 19, 9, 5, 5}, {2, 6, 11, 13, 7, 1}};
        for (int[] s : sizes) {
            for (Window win : windows) {
                float[] x = GradCheck.random(s[0] * s[1] * s[2] * s[3], 1);
                float[] w = GradCheck.random(s[4] * s[1] / s[5] * win.kh() * win.kw(), 2);
                float[] b = GradCheck.random(s[4], 3);
                assertArrayEquals(Reference.conv2d(x, s[0], s[1], s[2], s[3], w, b, s[4], s[5], win),
                        ConvKernels.forward(x, s[0], s[1], s[2], s[3], w, b, s[4], s[5], win),
                        "conv " + java.util.Arrays.toString(s) + " " + win);
                assertArrayEquals(Reference.conv2d(x, s[0], s[1], s[2], s[3], w, null, s[4], s[5], win),
                        ConvKernels.forward(x, s[0], s[1], s[2], s[3], w, null, s[4], s[5], win));
            }
        }
    }

    @Test
    void denseEqualsReferenceBitForBit() {
        for (int[] s : new int[][] {{1, 17, 7}, {5, 256, 120}, {3, 9, 33}}) {
            float[] x = GradCheck.random(s[0] * s[1], 4);
            float[] w = GradCheck.random(s[1] * s[2], 5);
            float[] b = GradCheck.random(s[2], 6);
            assertArrayEquals(Reference.dense(x, s[0], s[1], w, b, s[2]), DenseKernels.forward(x, s[0], s[1], w, b, s[2]));
        }
    }

    @Test
    void networksEqualReferenceEngineBitForBit() {
        for (String name : new String[] {"tiny", "lenet5-28", "tied-mlp"}) {
            Network net = Zoo.get(name);
            Tensor x = Nets.batch(net, 5, 7);
            assertEquals(ReferenceEngine.forward(net, x), new Backprop(net).forward(x), name);
        }
        Network shared = Nets.sharedConv();
        Tensor x = Nets.batch(shared, 4, 8);
        assertEquals(ReferenceEngine.forward(shared, x), new Backprop(shared).forward(x), shared.name());
    }
}
