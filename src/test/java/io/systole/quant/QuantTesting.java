package io.systole.quant;

import static org.junit.jupiter.api.Assertions.fail;

import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.MaxPool2d;
import io.systole.model.Network;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded inputs, an awkward network, and exact comparison naming the first difference. */
final class QuantTesting {
    private QuantTesting() {
    }

    /** A float batch (n, ...input shape) uniform in [lo, hi). */
    static Tensor input(Network net, int n, double lo, double hi, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[Math.toIntExact(n * net.inputShape().size())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (lo + rnd.nextDouble() * (hi - lo));
        }
        return Tensor.of(x, net.inputShape().batched(n));
    }

    /**
     * Awkward sizes and every host step: an unfolded ReLU on the input, 3 -> 5 channels with
     * stride 2 and padding and no bias, padded average pooling without the padding in the count,
     * 5 -> 7 channels on a 2x2 kernel with a folded ReLU, padded max pooling, 7 -> 7 channels with
     * stride 2, padded average pooling with the padding in the count, flatten, dense 7*3*3 -> 9
     * with a folded ReLU, a dense output without ReLU, and a final softmax.
     */
    static Network awkward() {
        return Network.builder("awkward", Shape.chw(3, 9, 9))
                .add(new ReLU("relu0"))
                .add(Conv2d.builder().setName("conv1").setInChannels(3).setOutChannels(5).setKernel(3).optStride(2)
                        .optPadding(1).optBias(false).build())
                .add(AvgPool2d.builder().setName("avg").setKernel(3).optStride(1).optPadding(1)
                        .optCountIncludePad(false).build())
                .add(Conv2d.builder().setName("conv2").setInChannels(5).setOutChannels(7).setKernel(2).build())
                .add(new ReLU("relu2"))
                .add(MaxPool2d.builder().setName("max").setKernel(2).optStride(1).optPadding(1).build())
                .add(Conv2d.builder().setName("conv3").setInChannels(7).setOutChannels(7).setKernel(3).optStride(2)
                        .build())
                .add(AvgPool2d.builder().setName("avg2").setKernel(2).optStride(1).optPadding(1).build())
                .add(new Flatten("flatten"))
                .add(Dense.builder().setName("fc1").setInFeatures(7 * 3 * 3).setOutFeatures(9).build())
                .add(new ReLU("relu3"))
                .add(Dense.builder().setName("fc2").setInFeatures(9).setOutFeatures(4).build())
                .add(new Softmax("softmax"))
                .build()
                .initialise(7);
    }

    /** Gives every bias of a network seeded values in [-0.5, 0.5), so that biases are exercised. */
    static Network withBiases(Network net, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (io.systole.model.Parameter p : net.parameters()) {
            if (p.shape().length == 1) {
                for (int i = 0; i < p.size(); i++) {
                    p.data()[i] = (float) (rnd.nextDouble() - 0.5);
                }
            }
        }
        return net;
    }

    /** Fails naming the tensor and the first differing element unless equal bit for bit. */
    static void assertSameBits(String what, Tensor want, Tensor got) {
        if (want.equals(got)) {
            return;
        }
        if (!Arrays.equals(want.shape(), got.shape()) || want.dtype() != got.dtype()) {
            fail(what + ": shapes differ: " + want + " vs " + got);
        }
        for (int i = 0; i < want.size(); i++) {
            double a = want.get(i);
            double b = got.get(i);
            boolean same = want.dtype() == DType.F32
                    ? Float.floatToIntBits((float) a) == Float.floatToIntBits((float) b) : a == b;
            if (!same) {
                fail(what + ": first difference at flat index " + i + " of " + Arrays.toString(want.shape())
                        + ": expected " + a + ", got " + b);
            }
        }
    }

    /** Every tensor of {@code want} equal bit for bit in {@code got}. */
    static void assertSameTensors(String what, Map<String, Tensor> want, Map<String, Tensor> got) {
        if (!want.keySet().equals(got.keySet())) {
            fail(what + ": tensors " + want.keySet() + " vs " + got.keySet());
        }
        want.forEach((k, v) -> assertSameBits(what + ", tensor '" + k + "'", v, got.get(k)));
    }
}
