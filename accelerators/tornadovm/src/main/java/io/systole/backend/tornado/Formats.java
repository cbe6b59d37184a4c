package io.systole.backend.tornado;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.Requant;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A step's number format as the int table its kernels read, one layout per format.
 * <ul>
 *   <li>int8: accumulator bits, saturate flag (1: SATURATE, 0: WRAP), requantization mode
 *       ({@link Int8Format.RequantMode#ordinal()}), input zero point (padding holds it), output
 *       zero point, lower and upper output clamp (the lower one folds the ReLU).</li>
 *   <li>fixed point: the accumulator format, then the data format (width, fraction bits, rounding
 *       and overflow ordinals each), the fraction bits of a product, the ReLU flag. Pooling sums in
 *       the accumulator format and rounds into the data format.</li>
 * </ul>
 */
final class Formats {
    static final int ACC_BITS = 0;
    static final int SATURATE = 1;
    static final int MODE = 2;
    static final int ZP_IN = 3;
    static final int ZP_OUT = 4;
    static final int QMIN = 5;
    static final int QMAX = 6;

    static final int ACC_W = 0;
    static final int ACC_F = 1;
    static final int ACC_Q = 2;
    static final int ACC_O = 3;
    static final int OUT_W = 4;
    static final int OUT_F = 5;
    static final int OUT_Q = 6;
    static final int OUT_O = 7;
    static final int PRODUCT_F = 8;
    static final int RELU = 9;

    private Formats() {
    }

    /** An int8 step: zero points in and out, ReLU folded into the lower clamp. */
    static IntArray int8(Int8Format f, int zpIn, int zpOut, boolean relu) {
        return IntArray.fromArray(new int[] {f.accBits(), f.accOverflow() == Int8Format.AccOverflow.SATURATE ? 1 : 0,
                f.requantMode().ordinal(), zpIn, zpOut, Requant.activationMin(zpOut, relu), Requant.QMAX});
    }

    /** A fixed-point step: products of two data values accumulate in {@code acc}. */
    static IntArray fixed(FixedFormat acc, FixedFormat data, boolean relu) {
        return IntArray.fromArray(new int[] {acc.width(), acc.fracBits(), acc.rounding().ordinal(),
                acc.overflow().ordinal(), data.width(), data.fracBits(), data.rounding().ordinal(),
                data.overflow().ordinal(), 2 * data.fracBits(), relu ? 1 : 0});
    }
}
