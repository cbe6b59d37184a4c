package io.systole.quant;

import io.systole.arith.NumberFormat;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.tensor.Tensor;

/** The trained LeNet-5 ({@code lenet5-fashion}) quantized for tests, and seeded images to run it on. */
public final class TrainedLeNet {
    /** The zoo name. */
    public static final String NAME = "lenet5-fashion";

    private TrainedLeNet() {
    }

    /** n seeded images (n, 1, 28, 28) uniform in [0, 1), the range the network was trained on. */
    public static Tensor images(int n, long seed) {
        return QuantTesting.input(Zoo.get(NAME), n, 0, 1, seed);
    }

    /** The network quantized to {@code format} (int8 or fixed point), calibrated (min/max) on 8 seeded images. */
    public static QuantizedNetwork quantized(String format) {
        Network net = Zoo.get(NAME);
        return Quantizer.quantize(net, NumberFormat.parse(format), Calibration.minMax(net, images(8, 21))).network();
    }
}
