package io.systole.onnx;

import static io.systole.onnx.OnnxTesting.assertExportAgreesAndRoundTrips;

import io.systole.model.Add;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Layer;
import io.systole.model.MaxPool2d;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random single-layer networks with awkward sizes (odd channels, 7..11 inputs, stride 2,
 * rectangular kernels, padding, dilation, groups, average pooling with and without padded
 * positions in the count, dense on vectors and on images, a residual add), each exported to ONNX:
 * ONNX Runtime agrees with the reference engine and the import gives the network back.
 */
class OnnxRandomLayersTest {
    private static final int CASES = 60;

    @Test
    void randomAwkwardLayersAgreeWithOnnxRuntimeAndRoundTrip() throws Exception {
        SplittableRandom r = new SplittableRandom(2024);
        Map<String, Double> worst = new LinkedHashMap<>();
        for (int i = 0; i < CASES; i++) {
            Network net = switch (i % 5) {
                case 0, 1 -> conv(r, i);
                case 2 -> pool(r, i);
                case 3 -> dense(r, i);
                default -> residual(r, i);
            };
            randomize(net, r.nextLong());
            double rel = assertExportAgreesAndRoundTrips(net.name(), net, 2, r.nextLong());
            worst.merge(net.name().substring(0, net.name().indexOf('-')), rel, Math::max);
        }
        worst.forEach((kind, rel) -> System.out.printf("onnx random %s: max |ours - ORT| = %.2g of the output"
                + " magnitude%n", kind, rel));
    }

    private static int pick(SplittableRandom r, int... v) {
        return v[r.nextInt(v.length)];
    }

    private static Network conv(SplittableRandom r, int i) {
        int groups = pick(r, 1, 1, 3);
        int inC = groups * pick(r, 1, 3, 5);
        int outC = groups * pick(r, 1, 3, 7);
        int kh = pick(r, 1, 2, 3, 5);
        int kw = pick(r, 1, 3, 4);
        int dh = pick(r, 1, 2);
        int dw = pick(r, 1, 2);
        int ph = r.nextInt(kh);
        int pw = r.nextInt(kw);
        Conv2d c = Conv2d.builder().setName("conv").setInChannels(inC).setOutChannels(outC).setKernel(kh, kw)
                .optStride(pick(r, 1, 2), pick(r, 1, 2)).optPadding(ph, pw).optDilation(dh, dw).optGroups(groups)
                .optBias(r.nextBoolean()).build();
        Shape in = Shape.chw(inC, pick(r, 9, 11), pick(r, 7, 9, 10));
        return net("conv-" + i + "-" + c.window() + "-g" + groups, in, c);
    }

    private static Network pool(SplittableRandom r, int i) {
        int kh = pick(r, 1, 2, 3, 4);
        int kw = pick(r, 2, 3);
        int sh = pick(r, 1, 2, 3);
        int sw = pick(r, 1, 2);
        int ph = r.nextInt(kh / 2 + 1);
        int pw = r.nextInt(kw / 2 + 1);
        Layer p = r.nextBoolean()
                ? MaxPool2d.builder().setName("pool").setKernel(kh, kw).optStride(sh, sw).optPadding(ph, pw).build()
                : AvgPool2d.builder().setName("pool").setKernel(kh, kw).optStride(sh, sw).optPadding(ph, pw)
                        .optCountIncludePad(r.nextBoolean()).build();
        return net(p.type() + "-" + i + "-" + kh + "x" + kw + "-p" + ph + "x" + pw, Shape.chw(pick(r, 1, 5),
                pick(r, 9, 8), pick(r, 9, 11)), p);
    }

    private static Network dense(SplittableRandom r, int i) {
        Shape in = r.nextBoolean() ? Shape.flat(pick(r, 17, 18, 19)) : Shape.chw(3, 5, pick(r, 5, 7));
        Dense d = Dense.builder().setName("fc").setInFeatures((int) in.size()).setOutFeatures(pick(r, 5, 7))
                .optBias(r.nextBoolean()).build();
        return net("dense-" + i + "-" + in, in, d);
    }

    /** input -> conv (same size) -> add(conv, input). */
    private static Network residual(SplittableRandom r, int i) {
        int c = pick(r, 3, 5);
        Conv2d conv = Conv2d.builder().setName("conv").setInChannels(c).setOutChannels(c).setKernel(3).optPadding(1)
                .build();
        return Network.builder("residual-" + i, Shape.chw(c, 9, 9)).add(conv)
                .add(new Add("add"), "conv", Network.INPUT).build();
    }

    private static Network net(String name, Shape in, Layer l) {
        return Network.builder(name, in).add(l).build();
    }

    /** Every parameter uniform in [-1, 1), biases included (the zoo's initialisation zeroes them). */
    private static void randomize(Network net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : net.parameters()) {
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (r.nextDouble() * 2 - 1);
            }
        }
    }
}
