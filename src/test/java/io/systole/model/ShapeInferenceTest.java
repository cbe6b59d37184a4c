package io.systole.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeInferenceTest {

    /** Independent count: output positions o with o*stride + dilation*(k-1) inside the padded input. */
    private static int positions(int in, int k, int stride, int pad, int dilation) {
        int n = 0;
        for (int o = 0; o * stride + dilation * (k - 1) <= in + 2 * pad - 1; o++) {
            n++;
        }
        return n;
    }

    @Test
    void convOutputShapeMatchesIndependentCountOverSweep() {
        int checked = 0;
        for (int in = 1; in <= 11; in++) {
            for (int k = 1; k <= 5; k++) {
                for (int s = 1; s <= 3; s++) {
                    for (int p = 0; p <= 2; p++) {
                        for (int d = 1; d <= 3; d++) {
                            for (int g : new int[] {1, 2, 4}) {
                                Conv2d c = Conv2d.builder().setName("c").setInChannels(4).setOutChannels(8)
                                        .setKernel(k, k).optStride(s, s).optPadding(p, p).optDilation(d, d)
                                        .optGroups(g).build();
                                int want = positions(in, k, s, p, d);
                                int size = in;
                                if (want == 0) {
                                    ModelException e = assertThrows(ModelException.class,
                                            () -> c.outputShape(List.of(Shape.chw(4, size, size + 1))));
                                    assertTrue(e.getMessage().contains("'c'"), e.getMessage());
                                    continue;
                                }
                                Shape out = c.outputShape(List.of(Shape.chw(4, in, in)));
                                assertEquals(Shape.chw(8, want, want), out, "in=" + in + " k=" + k + " s=" + s
                                        + " p=" + p + " d=" + d);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 1000, "sweep too small: " + checked);
    }

    @Test
    void poolOutputShapeMatchesIndependentCount() {
        for (int in = 2; in <= 12; in++) {
            for (int k = 1; k <= 4; k++) {
                for (int s = 1; s <= 3; s++) {
                    for (int p = 0; p <= k / 2; p++) {
                        if (positions(in, k, s, p, 1) == 0) {
                            continue;
                        }
                        MaxPool2d m = MaxPool2d.builder().setName("m").setKernel(k).optStride(s).optPadding(p).build();
                        int want = positions(in, k, s, p, 1);
                        assertEquals(Shape.chw(3, want, want), m.outputShape(List.of(Shape.chw(3, in, in))));
                    }
                }
            }
        }
    }

    @Test
    void poolStrideDefaultsToKernel() {
        MaxPool2d m = MaxPool2d.builder().setName("m").setKernel(3).build();
        assertEquals(Shape.chw(2, 3, 3), m.outputShape(List.of(Shape.chw(2, 9, 10))));
    }

    private static String error(Runnable r) {
        return assertThrows(ModelException.class, r::run).getMessage();
    }

    @Test
    void clearErrorsNameLayerGivenAndExpected() {
        String big = error(() -> Network.builder("n", Shape.chw(1, 4, 4))
                .add(Conv2d.builder().setName("conv9").setInChannels(1).setOutChannels(2).setKernel(5).build()).build());
        assertTrue(big.contains("conv9") && big.contains("kernel height 5") && big.contains("padded input height 4"), big);

        String channels = error(() -> Network.builder("n", Shape.chw(3, 8, 8))
                .add(Conv2d.builder().setName("c1").setInChannels(4).setOutChannels(2).setKernel(3).build()).build());
        assertTrue(channels.contains("c1") && channels.contains("expects 4 input channels, got 3"), channels);

        String groups = error(() -> Conv2d.builder().setName("g").setInChannels(6).setOutChannels(4).setKernel(1)
                .optGroups(4).build());
        assertTrue(groups.contains("'g'") && groups.contains("groups 4 must divide"), groups);

        String zero = error(() -> Conv2d.builder().setName("z").setInChannels(1).setOutChannels(1).setKernel(3)
                .optStride(0).build());
        assertTrue(zero.contains("'z'") && zero.contains("stride height must be positive, got 0"), zero);

        String negPad = error(() -> Conv2d.builder().setName("p").setInChannels(1).setOutChannels(1).setKernel(3)
                .optPadding(-1).build());
        assertTrue(negPad.contains("padding must be >= 0"), negPad);

        String dense = error(() -> Network.builder("n", Shape.chw(2, 3, 3)).add(new Flatten("f"))
                .add(Dense.builder().setName("fc").setInFeatures(19).setOutFeatures(2).build()).build());
        assertTrue(dense.contains("fc") && dense.contains("expects 19 input features, got 18"), dense);

        String poolPad = error(() -> MaxPool2d.builder().setName("mp").setKernel(2).optPadding(2).build());
        assertTrue(poolPad.contains("mp") && poolPad.contains("at most half the kernel"), poolPad);

        String softmax = error(() -> Network.builder("n", Shape.chw(2, 3, 3)).add(new Softmax("sm")).build());
        assertTrue(softmax.contains("sm") && softmax.contains("vector"), softmax);

        String badInput = error(() -> Network.builder("n", Shape.chw(1, 4, 4)).add(new ReLU("r"), "nope").build());
        assertTrue(badInput.contains("'nope'"), badInput);
    }

    @Test
    void layersNamedTwiceOrParametersWithClashingNamesAreRejected() {
        String twice = error(() -> Network.builder("n", Shape.flat(3)).add(new ReLU("r")).add(new ReLU("r")).build());
        assertTrue(twice.contains("two different layers are named 'r'"), twice);
    }

    @Test
    void reusedLayerGetsNumberedNodesAndTiedParametersAreOne() {
        Network net = Zoo.get("tied-mlp");
        assertEquals(List.of("fc_in", "relu", "hidden", "relu#2", "hidden#2", "relu#3", "hidden#3", "relu#4",
                "fc_out", "softmax"), net.nodes().stream().map(Network.Node::name).toList());
        assertEquals(6, net.parameters().size());
        assertTrue(net.isSequential());
    }

    @Test
    void dagWithResidualAdd() {
        Conv2d c = Conv2d.builder().setName("c").setInChannels(2).setOutChannels(2).setKernel(3).optPadding(1).build();
        Network net = Network.builder("res", Shape.chw(2, 5, 5))
                .add(c).add(new ReLU("r")).add(c).add(new Add("sum"), "c#2", Network.INPUT).build();
        assertEquals(Shape.chw(2, 5, 5), net.outputShape());
        assertEquals(false, net.isSequential());
        assertEquals(2, net.parameters().size());
    }
}
