package io.systole.train;

import io.systole.model.Add;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.MaxPool2d;
import io.systole.model.Network;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.tensor.Tensor;
import java.util.SplittableRandom;

/** Small networks and inputs shared by the tests. */
final class Nets {
    private Nets() {
    }

    /**
     * One 3x3 convolution applied twice (weight sharing across uses), joined by a residual
     * add: x (2, 5, 5) -> shared -> relu -> shared -> add(relu, shared#2) -> relu -> maxpool 3/2
     * pad 1 -> flatten (18) -> dense (3) -> softmax.
     */
    static Network sharedConv() {
        Conv2d shared = Conv2d.builder().setName("shared").setInChannels(2).setOutChannels(2).setKernel(3)
                .optPadding(1).build();
        ReLU relu = new ReLU("relu");
        return Network.builder("shared-conv", Shape.chw(2, 5, 5))
                .add(shared).add(relu).add(shared)
                .add(new Add("add"), "relu", "shared#2").add(relu)
                .add(MaxPool2d.builder().setName("pool").setKernel(3).optStride(2).optPadding(1).build())
                .add(new Flatten("flatten"))
                .add(Dense.builder().setName("fc").setInFeatures(18).setOutFeatures(3).build())
                .add(new Softmax("softmax"))
                .build().initialise(3);
    }

    /** A seeded random batch (n, ...input shape) in [0, 1). */
    static Tensor batch(Network net, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[Math.toIntExact(n * net.inputShape().size())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return Tensor.of(x, net.inputShape().batched(n));
    }

    /** Seeded random labels in [0, classes). */
    static int[] labels(int n, int classes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(classes);
        }
        return y;
    }
}
