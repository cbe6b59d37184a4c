package io.systole.arith;

/**
 * Affine int8 quantization parameters: a real value {@code r} is held as
 * {@code q = round(r / scale) + zeroPoint}, and {@code q} means {@code (q - zeroPoint) * scale}.
 *
 * @param scale     real units per step, positive and finite
 * @param zeroPoint the int8 value that means real 0, in -128..127
 */
public record QuantParams(float scale, int zeroPoint) {
    public QuantParams {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("quantization scale " + scale + " is out of range: expected a positive finite float");
        }
        if (zeroPoint < Requant.QMIN || zeroPoint > Requant.QMAX) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " is out of range: expected "
                    + Requant.QMIN + ".." + Requant.QMAX);
        }
    }
}
