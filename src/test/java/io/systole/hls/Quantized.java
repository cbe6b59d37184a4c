package io.systole.hls;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.quant.Calibration;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.Quantizer;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Layers of a zoo network quantized by {@code io.systole.quant} for tests: seeded random float
 * inputs (a calibration batch of four, the first one exported) and seeded random biases (the
 * zoo's are zero), min/max calibration, then {@link HlsLayers}.
 */
final class Quantized {
    private Quantized() {
    }

    /**
     * @param inputScale float inputs are uniform in [0, inputScale)
     */
    static List<HlsLayer> layers(Network net, ArrayConfig cfg, List<String> nodes, double inputScale, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Network.Node node : net.nodes()) {
            if (node.layer() instanceof Conv2d c && c.bias() != null) {
                float[] b = c.bias().data();
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) (rnd.nextDouble() * 0.2 - 0.1);
                }
            }
        }
        int[] shape = net.inputShape().batched(4);
        float[] x = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * inputScale);
        }
        Tensor batch = Tensor.of(x, shape);
        Calibration calibration = Calibration.minMax(net, batch);
        QuantizedNetwork q = switch (cfg.format()) {
            case Int8Format f -> Quantizer.int8(net, f, calibration).network();
            case FixedFormat f -> Quantizer.fixed(net, f, Map.of(), calibration).network();
            default -> throw new IllegalArgumentException("not an int8 or fixed-point array: " + cfg);
        };
        return HlsLayers.of(q, cfg, batch.slice(0, 1), nodes);
    }
}
