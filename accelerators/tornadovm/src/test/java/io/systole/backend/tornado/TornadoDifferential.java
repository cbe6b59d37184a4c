package io.systole.backend.tornado;

import static org.junit.jupiter.api.Assertions.fail;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded awkward inputs and operands in every format, and an exact comparison that names the
 * first difference.
 */
final class TornadoDifferential {
    private TornadoDifferential() {
    }

    /** A float that shows rounding: many binades, both signs, some signed zeros. */
    static float awkwardFloat(SplittableRandom random) {
        return switch (random.nextInt(16)) {
            case 0 -> 0.0f;
            case 1 -> -0.0f;
            default -> (float) ((random.nextDouble() * 2 - 1) * Math.scalb(1.0, random.nextInt(-12, 6)));
        };
    }

    static float[] awkward(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = awkwardFloat(random);
        }
        return v;
    }

    /** int8 values over the whole range, the ends more often than chance. */
    static byte[] int8s(SplittableRandom random, int n) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) switch (random.nextInt(8)) {
                case 0 -> -128;
                case 1 -> 127;
                default -> random.nextInt(-128, 128);
            };
        }
        return v;
    }

    /** Raw values of a fixed-point data format over its whole range, the ends more often than chance. */
    static int[] raws(SplittableRandom random, int n, FixedFormat f) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = (int) switch (random.nextInt(8)) {
                case 0 -> f.minRaw();
                case 1 -> f.maxRaw();
                default -> random.nextLong(f.minRaw(), f.maxRaw() + 1) >> random.nextInt(f.width() / 2);
            };
        }
        return v;
    }

    /** Random activations (batch, C, H, W) of {@code shape} in the format's activation type. */
    static Tensor input(SplittableRandom random, NumberFormat format, int... shape) {
        int n = Math.toIntExact(Tensor.count(shape));
        return switch (format) {
            case F32 f -> Tensor.of(awkward(random, n), shape);
            case Int8Format f -> Tensor.of(int8s(random, n), shape);
            case FixedFormat f -> Tensor.of(raws(random, n, f), shape);
        };
    }

    /**
     * Random operands for layer g in the array's format: int8 with random zero points, bias and
     * requantization entries of the format's mode (some large enough to overflow a narrow
     * accumulator); fixed point with raw weights of the data format and biases of the accumulator
     * format {@code acc}. Biases are absent one time in four.
     */
    static Operands operands(SplittableRandom random, ImplicitGemm g, NumberFormat format, FixedFormat acc,
            boolean relu) {
        int outC = g.outC();
        boolean bias = random.nextInt(4) != 0;
        return switch (format) {
            case F32 f -> new Operands.F32Layer(awkward(random, outC * g.k()), bias ? awkward(random, outC) : null);
            case Int8Format f -> {
                int[] b = new int[outC];
                QuantizedMultiplier[] m = new QuantizedMultiplier[outC];
                float[] s = new float[outC];
                for (int o = 0; o < outC; o++) {
                    b[o] = random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(-40000, 40000);
                    double real = Math.scalb(random.nextDouble(0.5, 1), random.nextInt(-20, 2));
                    m[o] = Requant.quantizeMultiplier(real);
                    s[o] = (float) real;
                }
                boolean shift = f.requantMode() == Int8Format.RequantMode.MULTIPLIER_SHIFT;
                yield new Operands.Int8Layer(int8s(random, outC * g.k()), bias ? b : null, random.nextInt(-128, 128),
                        random.nextInt(-128, 128), shift ? m : null, shift ? null : s, relu);
            }
            case FixedFormat f -> {
                long[] b = new long[outC];
                for (int o = 0; o < outC; o++) {
                    b[o] = random.nextLong(acc.minRaw(), acc.maxRaw()) >> random.nextInt(acc.width());
                }
                yield new Operands.FixedLayer(raws(random, outC * g.k(), f), bias ? b : null, relu);
            }
        };
    }

    /**
     * Fails with the first index whose values differ (floats by their bits), both values, and how
     * many differ; also when type or shape differ.
     */
    static void assertSame(String what, Tensor want, Tensor got) {
        if (want.dtype() != got.dtype() || want.size() != got.size()) {
            fail(what + ": expected " + want.dtype() + " " + Arrays.toString(want.shape()) + ", got " + got.dtype()
                    + " " + Arrays.toString(got.shape()));
        }
        int first = -1;
        int n = 0;
        for (int i = 0; i < want.size(); i++) {
            if (bits(want, i) != bits(got, i)) {
                first = first < 0 ? i : first;
                n++;
            }
        }
        if (n > 0) {
            fail(what + ": " + n + " of " + want.size() + " values differ; the first at index " + first + ": expected "
                    + want.get(first) + " (0x" + Long.toHexString(bits(want, first)) + "), got " + got.get(first)
                    + " (0x" + Long.toHexString(bits(got, first)) + ")");
        }
    }

    private static long bits(Tensor t, int i) {
        return switch (t.dtype()) {
            case F32 -> Float.floatToRawIntBits(t.floats()[i]);
            case I8 -> t.bytes()[i];
            case I32 -> t.ints()[i];
        };
    }
}
