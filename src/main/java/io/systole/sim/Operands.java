package io.systole.sim;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.FixedMac;
import io.systole.arith.Float32Order;
import io.systole.arith.Int8;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.arith.OverflowCounter;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import java.util.Arrays;

/**
 * The parameters of one array layer in the array's number format, and the output step of each
 * format (bias, conversion, fused ReLU). Weights are (outC, inC/groups, kH, kW) row-major, so
 * output channel o's reduction is {@code weight[o*K .. o*K + K)}; biases are (outC). The
 * matching activations are float32, int8, or raw fixed-point values in an int32 tensor.
 * A quantizer produces the int8 and fixed-point forms; the simulator only consumes them.
 */
public sealed interface Operands {

    /** Output channels covered, checking every array against it. */
    int outChannels(int k);

    /**
     * All-zero (outC, K) weights and no bias in a format (int8: zero points 0, zero
     * requantization entries of the format's mode): a layer whose values do not matter, for timing.
     */
    static Operands zeros(NumberFormat format, int outC, int k) {
        int n = Math.multiplyExact(outC, k);
        return switch (format) {
            case F32 f -> new F32Layer(new float[n], null);
            case Int8Format f -> {
                boolean shift = f.requantMode() == Int8Format.RequantMode.MULTIPLIER_SHIFT;
                QuantizedMultiplier[] m = new QuantizedMultiplier[outC];
                Arrays.fill(m, QuantizedMultiplier.ZERO);
                yield new Int8Layer(new byte[n], null, 0, 0, shift ? m : null, shift ? null : new float[outC], false);
            }
            case FixedFormat f -> new FixedLayer(new int[n], null, false);
        };
    }

    /**
     * float32: ReLU is a separate host operation.
     *
     * @param weight (outC, K) values
     * @param bias   (outC) values, or null (then {@code +0.0f} is added)
     */
    record F32Layer(float[] weight, float[] bias) implements Operands {
        @Override
        public int outChannels(int k) {
            return channels(weight.length, k, bias == null ? -1 : bias.length);
        }

        /** {@link Float32Order#addBias} of the reduction result. */
        public float finish(float acc, int o) {
            return Float32Order.addBias(acc, bias == null ? 0.0f : bias[o]);
        }
    }

    /**
     * int8: activations with zero point {@code inputZeroPoint}, symmetric weights, int32 bias in
     * units of input scale * weight scale, per-channel requantization to an int8 output with
     * {@code outputZeroPoint}, ReLU folded into the clamp.
     *
     * @param weight          (outC, K) int8 weights
     * @param bias            (outC) int32, or null for none
     * @param inputZeroPoint  int8 value of real 0 in the input; padding holds it
     * @param outputZeroPoint int8 value of real 0 in the output
     * @param multipliers     (outC) for {@link Int8Format.RequantMode#MULTIPLIER_SHIFT}, else null
     * @param scales          (outC) for {@link Int8Format.RequantMode#FLOAT_SCALE}, else null
     * @param relu            whether a ReLU is folded into the clamp
     */
    record Int8Layer(byte[] weight, int[] bias, int inputZeroPoint, int outputZeroPoint,
            QuantizedMultiplier[] multipliers, float[] scales, boolean relu) implements Operands {
        @Override
        public int outChannels(int k) {
            int oc = channels(weight.length, k, bias == null ? -1 : bias.length);
            if ((multipliers == null) == (scales == null)) {
                throw new IllegalArgumentException("int8 operands need exactly one of per-channel multipliers"
                        + " (MULTIPLIER_SHIFT) or float scales (FLOAT_SCALE)");
            }
            int len = multipliers != null ? multipliers.length : scales.length;
            if (len != oc) {
                throw new IllegalArgumentException("int8 operands: " + len + " requantization entries for " + oc
                        + " output channels");
            }
            return oc;
        }

        /** Adds the bias with the accumulator's overflow rule, then requantizes and clamps. */
        public byte finish(int acc, int o, Int8Format f, OverflowCounter counter) {
            int sum = bias == null ? acc : Int8.accumulate(acc, bias[o], f, counter);
            int lo = Requant.activationMin(outputZeroPoint, relu);
            return switch (f.requantMode()) {
                case MULTIPLIER_SHIFT -> Requant.requantize(sum, multipliers[o], outputZeroPoint, lo, Requant.QMAX);
                case FLOAT_SCALE -> Requant.requantizeFloat(sum, scales[o], outputZeroPoint, lo, Requant.QMAX);
            };
        }
    }

    /**
     * Fixed point: activations, weights and outputs are raw values of the array's data format;
     * the bias is a raw value of its accumulator format.
     *
     * @param weight (outC, K) raw weights
     * @param bias   (outC) raw accumulator values, or null for none
     * @param relu   whether a ReLU is applied to the converted output
     */
    record FixedLayer(int[] weight, long[] bias, boolean relu) implements Operands {
        @Override
        public int outChannels(int k) {
            return channels(weight.length, k, bias == null ? -1 : bias.length);
        }

        /** {@link FixedMac#finish}: bias in the accumulator format, conversion to the data format, ReLU. */
        public long finish(long acc, int o, FixedFormat accFmt, FixedFormat outFmt, OverflowCounter counter) {
            return FixedMac.finish(acc, bias == null ? 0 : bias[o], accFmt, outFmt, relu, counter);
        }
    }

    /** Output channels of (outC, K) weights, checking the bias length (-1 for no bias). */
    private static int channels(int weights, int k, int biases) {
        if (weights % k != 0) {
            throw new IllegalArgumentException("operands: " + weights + " weights are not a whole number of"
                    + " output channels of reduction length " + k);
        }
        int oc = weights / k;
        if (biases >= 0 && biases != oc) {
            throw new IllegalArgumentException("operands: " + biases + " biases for " + oc + " output channels");
        }
        return oc;
    }
}
