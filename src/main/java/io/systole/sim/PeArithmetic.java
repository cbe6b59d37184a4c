package io.systole.sim;

import io.systole.arith.FixedFormat;
import io.systole.arith.FixedMac;
import io.systole.arith.Float32Order;
import io.systole.arith.Int8;
import io.systole.arith.Int8Format;
import io.systole.arith.OverflowCounter;
import io.systole.tensor.Tensor;

/**
 * What one PE and the accumulators do, in one layer's format, on register contents held as
 * {@code long}s: float32 as its raw bits, int8 and int32 as signed values, fixed point as raw
 * values. Every step calls {@code io.systole.arith}. Used by the PE-level engine.
 */
abstract sealed class PeArithmetic {
    /** Bits of an activation or weight register. */
    final int dataBits;
    /** Bits of a partial-sum register. */
    final int partialBits;
    final OverflowCounter counter;

    private PeArithmetic(int dataBits, int partialBits, OverflowCounter counter) {
        this.dataBits = dataBits;
        this.partialBits = partialBits;
        this.counter = counter;
    }

    static PeArithmetic of(ArrayConfig cfg, ArrayLayer layer, Tensor in, Tensor out, OverflowCounter counter) {
        int k = layer.gemm().k();
        return switch (layer.operands()) {
            case Operands.F32Layer op -> new F32Pe(op, k, in.floats(), out.floats(), counter);
            case Operands.Int8Layer op -> new Int8Pe(op, k, (Int8Format) cfg.format(), in.bytes(), out.bytes(), counter);
            case Operands.FixedLayer op -> new FixedPe(op, k, (FixedFormat) cfg.format(), cfg.accumulatorFormat(),
                    in.ints(), out.ints(), counter);
        };
    }

    /** The activation at input index i, or the format's padding value for i = -1. */
    abstract long activation(int i);

    /** Weight of output channel o at reduction index k. */
    abstract long weight(int o, int k);

    /** One PE step: the partial sum plus x times w. */
    abstract long mac(long partial, long x, long w);

    /** A fold's partial sum joining its accumulator. */
    abstract long foldAdd(long acc, long p);

    /** The output step of channel o, written to output index i. */
    abstract void finish(int i, long acc, int o);

    static final class F32Pe extends PeArithmetic {
        private final Operands.F32Layer op;
        private final int k;
        private final float[] x;
        private final float[] y;

        F32Pe(Operands.F32Layer op, int k, float[] x, float[] y, OverflowCounter counter) {
            super(32, 32, counter);
            this.op = op;
            this.k = k;
            this.x = x;
            this.y = y;
        }

        private static long bits(float v) {
            return Float.floatToRawIntBits(v) & 0xffff_ffffL;
        }

        private static float value(long bits) {
            return Float.intBitsToFloat((int) bits);
        }

        @Override
        long activation(int i) {
            return bits(i < 0 ? 0.0f : x[i]);
        }

        @Override
        long weight(int o, int kk) {
            return bits(op.weight()[o * k + kk]);
        }

        @Override
        long mac(long partial, long xv, long w) {
            return bits(Float32Order.mac(value(xv), value(w), value(partial)));
        }

        @Override
        long foldAdd(long acc, long p) {
            return bits(Float32Order.foldAdd(value(acc), value(p)));
        }

        @Override
        void finish(int i, long acc, int o) {
            y[i] = op.finish(value(acc), o);
        }
    }

    static final class Int8Pe extends PeArithmetic {
        private final Operands.Int8Layer op;
        private final int k;
        private final Int8Format f;
        private final byte[] x;
        private final byte[] y;

        Int8Pe(Operands.Int8Layer op, int k, Int8Format f, byte[] x, byte[] y, OverflowCounter counter) {
            super(8, f.accBits(), counter);
            this.op = op;
            this.k = k;
            this.f = f;
            this.x = x;
            this.y = y;
        }

        @Override
        long activation(int i) {
            return i < 0 ? op.inputZeroPoint() : x[i];
        }

        @Override
        long weight(int o, int kk) {
            return op.weight()[o * k + kk];
        }

        @Override
        long mac(long partial, long xv, long w) {
            return Int8.accumulate((int) partial, Int8.product((int) xv, op.inputZeroPoint(), (int) w), f, counter);
        }

        @Override
        long foldAdd(long acc, long p) {
            return Int8.accumulate((int) acc, (int) p, f, counter);
        }

        @Override
        void finish(int i, long acc, int o) {
            y[i] = op.finish((int) acc, o, f, counter);
        }
    }

    static final class FixedPe extends PeArithmetic {
        private final Operands.FixedLayer op;
        private final int k;
        private final FixedFormat f;
        private final FixedFormat acc;
        private final int[] x;
        private final int[] y;

        FixedPe(Operands.FixedLayer op, int k, FixedFormat f, FixedFormat acc, int[] x, int[] y,
                OverflowCounter counter) {
            super(f.width(), acc.width(), counter);
            this.op = op;
            this.k = k;
            this.f = f;
            this.acc = acc;
            this.x = x;
            this.y = y;
        }

        @Override
        long activation(int i) {
            return i < 0 ? 0 : x[i];
        }

        @Override
        long weight(int o, int kk) {
            return op.weight()[o * k + kk];
        }

        @Override
        long mac(long partial, long xv, long w) {
            return FixedMac.accumulate(partial, FixedMac.multiply(xv, w), 2 * f.fracBits(), acc, counter);
        }

        @Override
        long foldAdd(long a, long p) {
            return FixedMac.add(a, p, acc, counter);
        }

        @Override
        void finish(int i, long a, int o) {
            y[i] = (int) op.finish(a, o, acc, f, counter);
        }
    }
}
