package io.systole.quant;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.Int8Quant;
import io.systole.arith.NumberFormat;
import io.systole.arith.OverflowCounter;
import io.systole.arith.QuantParams;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.model.Layer;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Softmax;
import io.systole.sim.Operands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Turns a float network into a {@link QuantizedNetwork}, in int8 ({@link #int8}) or in fixed
 * point ({@link #fixed}). Every conversion of a value is the one of {@code io.systole.arith}.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /**
     * A quantized network and what the quantizer noticed on the way (weights or biases out of a
     * format's range, calibrated ranges a format cannot hold), one line each.
     */
    public record Result(QuantizedNetwork network, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * {@link #int8} or {@link #fixed} (every tensor in {@code format}), as {@code format} says.
     *
     * @throws IllegalArgumentException when the format is neither int8 nor fixed point
     */
    public static Result quantize(Network net, NumberFormat format, Calibration calibration) {
        return switch (format) {
            case Int8Format f -> int8(net, f, calibration);
            case FixedFormat f -> fixed(net, f, Map.of(), calibration);
            default -> throw new IllegalArgumentException("network '" + net.name() + "': quantization needs int8 or"
                    + " fixed point, got " + format);
        };
    }

    /**
     * int8 parameters given rather than calibrated, as a quantized model file states them.
     *
     * @param tensors      scale and zero point of the input ({@link Network#INPUT}) and of every
     *                     convolution and dense node's output (after its folded ReLU), by tensor name
     * @param weightScales per-output-channel weight scales (outC) of every array layer, by layer
     *                     name; the layer's float weights are quantized with them
     * @param biases       int32 biases (outC) by layer name, used as they are; a layer with a bias
     *                     that is not listed has it quantized from the float bias
     */
    public record Int8Parameters(Map<String, QuantParams> tensors, Map<String, float[]> weightScales,
            Map<String, int[]> biases) {
        public Int8Parameters {
            tensors = Map.copyOf(tensors);
            weightScales = Map.copyOf(weightScales);
            biases = Map.copyOf(biases);
        }
    }

    /**
     * int8: per-tensor activation parameters from the calibrated ranges
     * ({@link Int8Quant#chooseParams}; a conv or dense node with a folded ReLU takes the range of
     * the ReLU's output), per-output-channel symmetric weight scales
     * ({@link Int8Quant#symmetricScale}), then {@link #int8(Network, Int8Format, Int8Parameters,
     * Calibration)}.
     *
     * @param calibration ranges of the input and of every node
     */
    public static Result int8(Network net, Int8Format format, Calibration calibration) {
        QuantizedNetwork.requireSupported(net);
        Map<String, String> folds = QuantizedNetwork.foldableRelus(net);
        Map<String, QuantParams> tensors = new LinkedHashMap<>();
        Map<String, float[]> scales = new LinkedHashMap<>();
        tensors.put(Network.INPUT, params(calibration, Network.INPUT));
        for (Network.Node node : net.nodes()) {
            if (QuantizedNetwork.onArray(node.layer())) {
                tensors.put(node.name(), params(calibration, folds.getOrDefault(node.name(), node.name())));
                Parameter w = QuantizedNetwork.weight(node.layer());
                int outC = w.shape()[0];
                scales.computeIfAbsent(node.layer().name(), n -> weightScales(w.data(), outC, w.size() / outC));
            }
        }
        return int8(net, format, new Int8Parameters(tensors, scales, Map.of()), calibration);
    }

    /**
     * int8 with the given parameters: weights quantized with their channel's scale
     * ({@link Int8Quant#quantizeWeight}), int32 biases as given or in units of input scale *
     * weight scale ({@link Int8Quant#quantizeBias}), and per channel either a Q31 multiplier and
     * shift ({@link Requant#quantizeMultiplier}{@code (}{@link Requant#realMultiplier}{@code )}) or
     * a float scale ({@link Requant#floatScale}), as {@code format}'s requantization mode says.
     * Pooling, flatten and unfolded ReLU outputs keep their input's parameters.
     *
     * @param calibration the ranges the parameters were chosen from, or {@code null}
     * @throws IllegalArgumentException naming the tensor or layer whose parameters are missing or
     *                                  of the wrong length
     */
    public static Result int8(Network net, Int8Format format, Int8Parameters parameters, Calibration calibration) {
        QuantizedNetwork.requireSupported(net);
        Map<String, String> folds = QuantizedNetwork.foldableRelus(net);
        Map<String, Activation> acts = new LinkedHashMap<>();
        Map<String, QuantizedNetwork.ArrayOp> ops = new LinkedHashMap<>();
        Map<String, float[]> scales = new LinkedHashMap<>();
        Map<String, byte[]> weights = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        acts.put(Network.INPUT, new Activation.Int8(given(parameters, Network.INPUT)));
        for (Network.Node node : net.nodes()) {
            Layer layer = node.layer();
            Activation in = acts.get(node.inputs().getFirst());
            Activation out = QuantizedNetwork.onArray(layer) ? new Activation.Int8(given(parameters, node.name()))
                    : layer instanceof Softmax ? new Activation.F32() : in;
            acts.put(node.name(), out);
            if (!QuantizedNetwork.onArray(layer)) {
                continue;
            }
            Parameter w = QuantizedNetwork.weight(layer);
            Parameter b = QuantizedNetwork.bias(layer);
            int outC = w.shape()[0];
            int k = w.size() / outC;
            float[] ws = scales.computeIfAbsent(layer.name(), n -> channels(parameters.weightScales(), "weight scales",
                    n, outC, a -> a.length));
            byte[] wq = weights.computeIfAbsent(layer.name(), n -> weights(w.data(), ws, k));
            int[] givenBias = b == null || !parameters.biases().containsKey(layer.name()) ? null
                    : channels(parameters.biases(), "biases", layer.name(), outC, a -> a.length);
            QuantParams pin = ((Activation.Int8) in).params();
            QuantParams pout = ((Activation.Int8) out).params();
            int[] bias = b == null ? null : new int[outC];
            boolean shift = format.requantMode() == Int8Format.RequantMode.MULTIPLIER_SHIFT;
            QuantizedMultiplier[] mult = shift ? new QuantizedMultiplier[outC] : null;
            float[] fs = shift ? null : new float[outC];
            int flushed = 0;
            for (int o = 0; o < outC; o++) {
                if (bias != null) {
                    bias[o] = givenBias != null ? givenBias[o] : Int8Quant.quantizeBias(b.data()[o], pin.scale(), ws[o]);
                }
                if (shift) {
                    double real = Requant.realMultiplier(pin.scale(), ws[o], pout.scale());
                    mult[o] = Requant.quantizeMultiplier(real);
                    flushed += real > 0 && mult[o].multiplier() == 0 ? 1 : 0;
                } else {
                    fs[o] = Requant.floatScale(pin.scale(), ws[o], pout.scale());
                }
            }
            if (flushed > 0) {
                warnings.add("node '" + node.name() + "': " + flushed + " of " + outC
                        + " requantization multipliers are below 2^-32 and flush to zero");
            }
            String relu = folds.get(node.name());
            ops.put(node.name(), new QuantizedNetwork.ArrayOp(node.name(), format, new Operands.Int8Layer(wq, bias,
                    pin.zeroPoint(), pout.zeroPoint(), mult, fs, relu != null), relu));
        }
        return new Result(new QuantizedNetwork(net, format, acts, ops, scales, calibration), warnings);
    }

    private static QuantParams given(Int8Parameters p, String tensor) {
        QuantParams q = p.tensors().get(tensor);
        if (q == null) {
            throw new IllegalArgumentException("tensor '" + tensor + "': no int8 scale and zero point given");
        }
        return q;
    }

    /** The per-channel array of a layer, checked to have outC entries. */
    private static <T> T channels(Map<String, T> byLayer, String what, String layer, int outC,
            ToIntFunction<T> length) {
        T v = byLayer.get(layer);
        int len = v == null ? 0 : length.applyAsInt(v);
        if (len != outC) {
            throw new IllegalArgumentException("layer '" + layer + "': " + outC + " " + what + " needed, got "
                    + (v == null ? "none" : len));
        }
        return v;
    }

    private static QuantParams params(Calibration cal, String tensor) {
        Calibration.Range r = cal.range(tensor);
        try {
            return Int8Quant.chooseParams(r.min(), r.max());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + tensor + "': " + e.getMessage(), e);
        }
    }

    /** Symmetric scale of each output channel's k weights. */
    private static float[] weightScales(float[] w, int outC, int k) {
        float[] s = new float[outC];
        for (int o = 0; o < outC; o++) {
            s[o] = Int8Quant.symmetricScale(w, o * k, k);
        }
        return s;
    }

    private static byte[] weights(float[] w, float[] scales, int k) {
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = Int8Quant.quantizeWeight(w[i], scales[i / k]);
        }
        return q;
    }

    /**
     * Fixed point: every tensor holds raw values of {@code format}, except the outputs of the
     * convolution and dense layers named in {@code layerFormats} (by layer name), which hold their
     * own format; a layer's weights are in its format, its biases in that format's default
     * accumulator ({@link FixedFormat#defaultAccumulator}), every value converted with
     * {@link FixedFormat#fromDouble}. An array layer's input is converted into the layer's format
     * as it enters the array ({@link Activation.Fixed#convert}); pooling, flatten and unfolded
     * ReLU outputs keep their input's format.
     *
     * @param calibration ranges to check against the formats, or {@code null}
     */
    public static Result fixed(Network net, FixedFormat format, Map<String, FixedFormat> layerFormats,
            Calibration calibration) {
        QuantizedNetwork.requireSupported(net);
        checkLayerFormats(net, format, layerFormats);
        Map<String, String> folds = QuantizedNetwork.foldableRelus(net);
        Map<String, Activation> acts = new LinkedHashMap<>();
        Map<String, QuantizedNetwork.ArrayOp> ops = new LinkedHashMap<>();
        Map<String, int[]> weights = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        acts.put(Network.INPUT, new Activation.Fixed(format));
        for (Network.Node node : net.nodes()) {
            Layer layer = node.layer();
            Activation in = acts.get(node.inputs().getFirst());
            if (!QuantizedNetwork.onArray(layer)) {
                acts.put(node.name(), layer instanceof Softmax ? new Activation.F32() : in);
                continue;
            }
            FixedFormat f = layerFormats.getOrDefault(layer.name(), format);
            acts.put(node.name(), new Activation.Fixed(f));
            Parameter w = QuantizedNetwork.weight(layer);
            Parameter b = QuantizedNetwork.bias(layer);
            int[] wq = weights.computeIfAbsent(layer.name(), n -> {
                OverflowCounter over = new OverflowCounter();
                int[] raw = new int[w.size()];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = (int) f.fromDouble(w.data()[i], over);
                }
                if (over.overflows() > 0) {
                    warnings.add("layer '" + n + "': " + over.overflows() + " of " + raw.length
                            + " weights are outside the range of " + f + " " + interval(f));
                }
                return raw;
            });
            long[] bias = null;
            if (b != null) {
                FixedFormat acc = FixedFormat.defaultAccumulator(f);
                OverflowCounter over = new OverflowCounter();
                bias = new long[b.size()];
                for (int o = 0; o < bias.length; o++) {
                    bias[o] = acc.fromDouble(b.data()[o], over);
                }
                if (over.overflows() > 0) {
                    warnings.add("node '" + node.name() + "': " + over.overflows() + " biases are outside the range of "
                            + acc + " " + interval(acc));
                }
            }
            String relu = folds.get(node.name());
            ops.put(node.name(), new QuantizedNetwork.ArrayOp(node.name(), f, new Operands.FixedLayer(wq, bias,
                    relu != null), relu));
        }
        if (calibration != null) {
            for (Map.Entry<String, Activation> e : acts.entrySet()) {
                if (e.getValue() instanceof Activation.Fixed(FixedFormat f)) {
                    Calibration.Range r = calibration.range(e.getKey());
                    if (r.min() < f.toDouble(f.minRaw()) || r.max() > f.toDouble(f.maxRaw())) {
                        warnings.add("tensor '" + e.getKey() + "': calibrated range [" + r.min() + ", " + r.max()
                                + "] exceeds " + f + " " + interval(f));
                    }
                }
            }
        }
        return new Result(new QuantizedNetwork(net, format, acts, ops, Map.of(), calibration), warnings);
    }

    /**
     * Per-layer formats fitted to calibrated ranges: for every convolution and dense layer,
     * {@code base}'s width, rounding and overflow modes with the fewest integer bits I whose
     * largest value is at least the largest magnitude the layer sees: its weights, and at each of
     * its nodes the calibrated range of its input and of its own output (before a folded ReLU).
     * Fewer integer bits leave more fraction bits, so small values keep their precision.
     *
     * @return formats by layer name, for {@link #fixed}
     */
    public static Map<String, FixedFormat> fitIntegerBits(Network net, FixedFormat base, Calibration calibration) {
        Map<String, Double> largest = new LinkedHashMap<>();
        for (Network.Node node : net.nodes()) {
            Layer layer = node.layer();
            if (!QuantizedNetwork.onArray(layer)) {
                continue;
            }
            Parameter w = QuantizedNetwork.weight(layer);
            double m = largest.getOrDefault(layer.name(), 0.0);
            for (float v : w.data()) {
                m = Math.max(m, Math.abs(v));
            }
            for (String t : List.of(node.inputs().getFirst(), node.name())) {
                Calibration.Range r = calibration.range(t);
                m = Math.max(m, Math.max(-(double) r.min(), r.max()));
            }
            largest.put(layer.name(), m);
        }
        Map<String, FixedFormat> formats = new LinkedHashMap<>();
        largest.forEach((layer, m) -> {
            int w = base.width();
            for (int i = -w; i <= 2 * w; i++) {
                FixedFormat f = new FixedFormat(w, i, base.rounding(), base.overflow());
                if (f.toDouble(f.maxRaw()) >= m || i == 2 * w) {
                    formats.put(layer, f);
                    break;
                }
            }
        });
        return formats;
    }

    private static void checkLayerFormats(Network net, FixedFormat format, Map<String, FixedFormat> layerFormats) {
        List<FixedFormat> all = new ArrayList<>(layerFormats.values());
        all.add(format);
        for (FixedFormat f : all) {
            if (f.width() > FixedFormat.MAX_DATA_WIDTH) {
                throw new IllegalArgumentException(f + " is " + f.width() + " bits wide: a data format has at most "
                        + FixedFormat.MAX_DATA_WIDTH + " bits");
            }
        }
        for (String name : layerFormats.keySet()) {
            Layer l = net.layers().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("per-layer format for '" + name + "': network '" + net.name()
                            + "' has no layer of that name"));
            if (!QuantizedNetwork.onArray(l)) {
                throw new IllegalArgumentException("per-layer format for '" + name + "': it is a " + l.type()
                        + " layer; only convolution and dense layers take their own format (others keep their"
                        + " input's)");
            }
        }
    }

    /** {@code [lo, hi]} of a format's real values. */
    private static String interval(FixedFormat f) {
        return String.format(Locale.ROOT, "[%s, %s]", f.toDouble(f.minRaw()), f.toDouble(f.maxRaw()));
    }
}
