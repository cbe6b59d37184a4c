package io.systole.quant;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Quant;
import io.systole.arith.OverflowCounter;
import io.systole.arith.QuantParams;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;

/**
 * How one tensor of a quantized network holds its real values: int8 with a scale and zero point,
 * raw fixed-point values of one format, or float32 (only the output of a final softmax). Every
 * conversion is the one of {@code io.systole.arith}.
 */
public sealed interface Activation {

    /** The tensor type: int8, int32 (raw fixed point) or float32. */
    DType dtype();

    /** The text form used in reports: {@code int8 s=0.0123 zp=-128}, {@code fixed<16,6,RND,SAT>}, {@code f32}. */
    String describe();

    /**
     * Real values to this encoding, element by element ({@link Int8Quant#quantize},
     * {@link FixedFormat#fromDouble}); the shape is kept.
     *
     * @param counter counts fixed-point overflows, or {@code null}
     */
    Tensor encode(Tensor real, OverflowCounter counter);

    /** This encoding's values back to float32 ({@link Int8Quant#dequantize}, {@link FixedFormat#toDouble}). */
    Tensor decode(Tensor t);

    /** int8: {@code q} means {@code (q - zeroPoint) * scale}. */
    record Int8(QuantParams params) implements Activation {
        @Override
        public DType dtype() {
            return DType.I8;
        }

        @Override
        public String describe() {
            return "int8 s=" + params.scale() + " zp=" + params.zeroPoint();
        }

        @Override
        public Tensor encode(Tensor real, OverflowCounter counter) {
            float[] x = real.floats();
            byte[] q = new byte[x.length];
            for (int i = 0; i < x.length; i++) {
                q[i] = Int8Quant.quantize(x[i], params.scale(), params.zeroPoint());
            }
            return Tensor.of(q, real.shape());
        }

        @Override
        public Tensor decode(Tensor t) {
            byte[] q = t.bytes();
            float[] y = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                y[i] = Int8Quant.dequantize(q[i], params.scale(), params.zeroPoint());
            }
            return Tensor.of(y, t.shape());
        }
    }

    /** Fixed point: an int32 raw value {@code r} means {@code r * 2^-F} of {@code format}. */
    record Fixed(FixedFormat format) implements Activation {
        @Override
        public DType dtype() {
            return DType.I32;
        }

        @Override
        public String describe() {
            return format.name();
        }

        @Override
        public Tensor encode(Tensor real, OverflowCounter counter) {
            float[] x = real.floats();
            int[] raw = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                raw[i] = (int) format.fromDouble(x[i], counter);
            }
            return Tensor.of(raw, real.shape());
        }

        @Override
        public Tensor decode(Tensor t) {
            int[] raw = t.ints();
            float[] y = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                y[i] = (float) format.toDouble(raw[i]);
            }
            return Tensor.of(y, t.shape());
        }

        /**
         * Raw values of {@code from} converted into this format: {@link FixedFormat#rescale} with this
         * format's rounding and overflow modes (the identity when the formats are equal).
         */
        public Tensor convert(Tensor t, FixedFormat from, OverflowCounter counter) {
            if (from.equals(format)) {
                return t;
            }
            int[] raw = t.ints();
            int[] y = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                y[i] = (int) format.rescale(raw[i], from.fracBits(), counter);
            }
            return Tensor.of(y, t.shape());
        }
    }

    /** float32: the output of a final softmax, computed on the host from dequantized logits. */
    record F32() implements Activation {
        @Override
        public DType dtype() {
            return DType.F32;
        }

        @Override
        public String describe() {
            return "f32";
        }

        @Override
        public Tensor encode(Tensor real, OverflowCounter counter) {
            return real;
        }

        @Override
        public Tensor decode(Tensor t) {
            return t;
        }
    }
}
