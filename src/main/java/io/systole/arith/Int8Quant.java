package io.systole.arith;

/**
 * Choosing int8 quantization parameters and converting single values between float32 and int8.
 * Activations are asymmetric int8 in [-128, 127] with a zero point; weights are symmetric int8 in
 * [-127, 127] with a scale per output channel and zero point 0; biases are int32 in units of
 * {@code inScale * weightScale}. Every rounding here is half to even.
 */
public final class Int8Quant {
    /** Largest magnitude of a symmetric int8 weight. */
    public static final int WEIGHT_MAX = 127;

    private Int8Quant() {
    }

    /**
     * Asymmetric parameters for real values in {@code [min, max]}. The range is first widened to
     * include 0 ({@code lo = min(min, 0)}, {@code hi = max(max, 0)}) so that real 0 is exact;
     * {@code scale = (float) ((hi - lo) / 255)} in double, and
     * {@code zeroPoint = rint(-128 - lo / scale)} clamped to [-128, 127]. A range of only 0 gives
     * scale 1 and zero point 0.
     *
     * @throws IllegalArgumentException if a bound is not finite or {@code min > max}
     */
    public static QuantParams chooseParams(float min, float max) {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw new IllegalArgumentException("quantization range [" + min + ", " + max
                    + "] is invalid: expected finite bounds with min <= max");
        }
        double lo = Math.min(min, 0.0);
        double hi = Math.max(max, 0.0);
        if (hi == lo) {
            return new QuantParams(1.0f, 0);
        }
        float scale = (float) ((hi - lo) / (Requant.QMAX - Requant.QMIN));
        double zeroPoint = Math.rint(Requant.QMIN - lo / scale);
        return new QuantParams(scale, (int) Math.clamp(zeroPoint, Requant.QMIN, Requant.QMAX));
    }

    /** Symmetric weight scale {@code maxAbs / 127} in float32; 1 when {@code maxAbs} is 0. */
    public static float symmetricScale(float maxAbs) {
        if (!(maxAbs >= 0) || Float.isInfinite(maxAbs)) {
            throw new IllegalArgumentException("largest weight magnitude " + maxAbs
                    + " is out of range: expected a finite float >= 0");
        }
        return maxAbs == 0 ? 1.0f : maxAbs / WEIGHT_MAX;
    }

    /**
     * Symmetric weight scale of one output channel's weights {@code w[off..off+len)} (for
     * (outC, inC, kH, kW) weights, channel c is {@code off = c * inC*kH*kW}).
     */
    public static float symmetricScale(float[] w, int off, int len) {
        float maxAbs = 0;
        for (int i = off; i < off + len; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(w[i]));
        }
        return symmetricScale(maxAbs);
    }

    /**
     * An activation to int8: {@code v / scale} in float32, then
     * {@link Requant#roundToInt8}{@code (·, zeroPoint, -128, 127)}.
     *
     * @throws IllegalArgumentException if {@code v} is NaN
     */
    public static byte quantize(float v, float scale, int zeroPoint) {
        return quantize(v, scale, zeroPoint, Requant.QMIN);
    }

    /** A weight to symmetric int8: as {@link #quantize} with zero point 0, clamped to [-127, 127]. */
    public static byte quantizeWeight(float v, float scale) {
        return quantize(v, scale, 0, -WEIGHT_MAX);
    }

    private static byte quantize(float v, float scale, int zeroPoint, int qmin) {
        if (Float.isNaN(v)) {
            throw new IllegalArgumentException("cannot quantize NaN");
        }
        return Requant.roundToInt8(v / scale, zeroPoint, qmin, Requant.QMAX);
    }

    /**
     * A bias to int32 in units of {@code inScale * weightScale} (float32 product, both scales
     * positive): {@code rint(b / (inScale * weightScale))} in float32, clamped to the int range.
     *
     * @throws IllegalArgumentException if {@code b} is NaN
     */
    public static int quantizeBias(float b, float inScale, float weightScale) {
        if (Float.isNaN(b)) {
            throw new IllegalArgumentException("cannot quantize a NaN bias");
        }
        float scale = inScale * weightScale;
        return (int) Math.clamp(Math.rint(b / scale), Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** An int8 (or int32 bias) value back to float32: {@code (q - zeroPoint) * scale}. */
    public static float dequantize(int q, float scale, int zeroPoint) {
        return (q - zeroPoint) * scale;
    }
}
