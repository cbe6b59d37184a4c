package io.systole.arith;

/**
 * A positive real multiplier as a Q31 integer and a power-of-two exponent, TFLite style:
 * {@code real ~= multiplier * 2^(shift - 31)}. {@code shift > 0} is a left shift, {@code shift < 0}
 * a right shift (see {@link Requant#multiplyByQuantizedMultiplier}).
 *
 * @param multiplier 0, or in {@code [2^30, 2^31)}
 * @param shift      in -31..31; 0 when {@code multiplier} is 0
 */
public record QuantizedMultiplier(int multiplier, int shift) {
    /** The multiplier of zero. */
    public static final QuantizedMultiplier ZERO = new QuantizedMultiplier(0, 0);

    public QuantizedMultiplier {
        if (multiplier == 0 ? shift != 0 : multiplier < (1 << 30) || shift < -31 || shift > 31) {
            throw new IllegalArgumentException("quantized multiplier " + multiplier + " with shift " + shift
                    + " is out of range: expected 0 with shift 0, or a multiplier in [2^30, 2^31) with shift in -31..31");
        }
    }

    /** The real value represented, {@code multiplier * 2^(shift - 31)} (exact in a double). */
    public double real() {
        return Math.scalb((double) multiplier, shift - 31);
    }
}
