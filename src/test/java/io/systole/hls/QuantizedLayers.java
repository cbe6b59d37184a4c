package io.systole.hls;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.Int8Quant;
import io.systole.arith.QuantParams;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.ref.ReferenceEngine;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.sim.PoolingUnit;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Quantized layers of a zoo network for tests, from its seeded float weights: int8 by per-channel
 * symmetric weights and min/max ranges of a float reference run, fixed point by direct
 * conversion. Biases are replaced by seeded random values so that the bias path is exercised. A
 * ReLU after a convolution is folded into it. Layers run in a chain on the Java simulator, so
 * every exported layer gets the input the array would give it.
 */
final class QuantizedLayers {
    private QuantizedLayers() {
    }

    /**
     * The named convolution and pooling nodes of a sequential network, with their inputs.
     *
     * @param inputScale the float input is uniform in [0, inputScale)
     */
    static List<HlsLayer> of(Network net, ArrayConfig cfg, Set<String> export, double inputScale, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Shape in = net.inputShape();
        float[] xf = new float[Math.toIntExact(in.size())];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = (float) (rnd.nextDouble() * inputScale);
        }
        for (Network.Node node : net.nodes()) {
            if (node.layer() instanceof Conv2d c && c.bias() != null) {
                float[] b = c.bias().data();
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) (rnd.nextDouble() * 0.2 - 0.1);
                }
            }
        }
        Tensor xfloat = Tensor.of(xf, in.batched(1));
        Map<String, Tensor> ref = ReferenceEngine.forwardAll(net, xfloat);
        List<HlsLayer> out = new ArrayList<>();
        List<Network.Node> nodes = net.nodes();
        QuantParams params = cfg.format() instanceof Int8Format ? range(xf) : null;
        Tensor x = encode(xfloat, cfg, params);
        for (int i = 0; i < nodes.size() && out.size() < export.size(); i++) {
            Network.Node node = nodes.get(i);
            Shape shape = net.shapeOf(node.inputs().getFirst());
            boolean relu = i + 1 < nodes.size() && nodes.get(i + 1).layer() instanceof ReLU;
            HlsLayer layer;
            switch (node.layer()) {
                case Conv2d c -> {
                    ImplicitGemm g = ImplicitGemm.of(c, shape, 1);
                    Tensor real = ref.get(relu ? nodes.get(i + 1).name() : node.name());
                    QuantParams outParams = params == null ? null : range(real.floats());
                    Operands op = operands(c, g, cfg, params, outParams, relu);
                    layer = new HlsLayer.Gemm(new ArrayLayer(g, op), x);
                    x = new FastEngine().run(new ArrayLayer(g, op), x, cfg).output();
                    params = outParams;
                    if (relu) {
                        i++;
                    }
                }
                case Pool2d p -> {
                    ImplicitGemm g = PoolingUnit.geometry(node.name(), 1, shape.c(), shape.h(), shape.w(), p.window());
                    int zp = params == null ? 0 : params.zeroPoint();
                    layer = new HlsLayer.Pool(g, p instanceof AvgPool2d, p.countIncludePad(), zp, x);
                    x = new PoolingUnit(cfg).run(g, p instanceof AvgPool2d, p.countIncludePad(), zp, x).output();
                }
                default -> throw new IllegalArgumentException("node '" + node.name() + "' is not a convolution or pooling");
            }
            if (export.contains(node.name())) {
                out.add(layer);
            }
        }
        return out;
    }

    private static QuantParams range(float[] v) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        return Int8Quant.chooseParams(min, max);
    }

    private static Tensor encode(Tensor real, ArrayConfig cfg, QuantParams params) {
        float[] v = real.floats();
        return switch (cfg.format()) {
            case Int8Format f -> {
                byte[] q = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    q[i] = Int8Quant.quantize(v[i], params.scale(), params.zeroPoint());
                }
                yield Tensor.of(q, real.shape());
            }
            case FixedFormat f -> {
                int[] q = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    q[i] = (int) f.fromDouble(v[i], null);
                }
                yield Tensor.of(q, real.shape());
            }
            default -> throw new IllegalArgumentException("not an int8 or fixed-point array: " + cfg);
        };
    }

    private static Operands operands(Conv2d c, ImplicitGemm g, ArrayConfig cfg, QuantParams in, QuantParams out,
            boolean relu) {
        float[] w = c.weight().data();
        float[] b = c.bias().data();
        int oc = g.outC();
        int k = g.k();
        return switch (cfg.format()) {
            case Int8Format f -> {
                byte[] qw = new byte[w.length];
                int[] qb = new int[oc];
                QuantizedMultiplier[] mult = new QuantizedMultiplier[oc];
                float[] scales = new float[oc];
                for (int o = 0; o < oc; o++) {
                    float ws = Int8Quant.symmetricScale(w, o * k, k);
                    for (int i = o * k; i < (o + 1) * k; i++) {
                        qw[i] = Int8Quant.quantizeWeight(w[i], ws);
                    }
                    qb[o] = Int8Quant.quantizeBias(b[o], in.scale(), ws);
                    mult[o] = Requant.quantizeMultiplier(Requant.realMultiplier(in.scale(), ws, out.scale()));
                    scales[o] = Requant.floatScale(in.scale(), ws, out.scale());
                }
                boolean shift = f.requantMode() == Int8Format.RequantMode.MULTIPLIER_SHIFT;
                yield new Operands.Int8Layer(qw, qb, in.zeroPoint(), out.zeroPoint(), shift ? mult : null,
                        shift ? null : scales, relu);
            }
            case FixedFormat f -> {
                int[] qw = new int[w.length];
                for (int i = 0; i < w.length; i++) {
                    qw[i] = (int) f.fromDouble(w[i], null);
                }
                long[] qb = new long[oc];
                for (int o = 0; o < oc; o++) {
                    qb[o] = cfg.accumulatorFormat().fromDouble(b[o], null);
                }
                yield new Operands.FixedLayer(qw, qb, relu);
            }
            default -> throw new IllegalArgumentException("not an int8 or fixed-point array: " + cfg);
        };
    }
}
