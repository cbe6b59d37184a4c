package io.systole.sim;

import static org.junit.jupiter.api.Assertions.fail;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded random layers and operands, and exact comparison that names the first difference. */
final class Differential {
    private Differential() {
    }

    /** Random operands for a layer in the array's format. */
    static Operands operands(ImplicitGemm g, ArrayConfig cfg, SplittableRandom rnd) {
        int w = (int) g.weightElements();
        int oc = g.outC();
        return switch (cfg.format()) {
            case io.systole.arith.F32 f -> {
                float[] weight = new float[w];
                for (int i = 0; i < w; i++) {
                    weight[i] = (float) (rnd.nextDouble() * 2 - 1);
                }
                float[] bias = new float[oc];
                for (int i = 0; i < oc; i++) {
                    bias[i] = (float) (rnd.nextDouble() - 0.5);
                }
                yield new Operands.F32Layer(weight, rnd.nextBoolean() ? bias : null);
            }
            case Int8Format f -> {
                byte[] weight = new byte[w];
                for (int i = 0; i < w; i++) {
                    weight[i] = (byte) rnd.nextInt(-127, 128);
                }
                int[] bias = new int[oc];
                QuantizedMultiplier[] mult = new QuantizedMultiplier[oc];
                float[] scales = new float[oc];
                for (int i = 0; i < oc; i++) {
                    bias[i] = rnd.nextInt(-5000, 5000);
                    double real = 0.0005 + rnd.nextDouble() * 0.01;
                    mult[i] = Requant.quantizeMultiplier(real);
                    scales[i] = (float) real;
                }
                boolean shift = f.requantMode() == Int8Format.RequantMode.MULTIPLIER_SHIFT;
                yield new Operands.Int8Layer(weight, bias, rnd.nextInt(-20, 20), rnd.nextInt(-10, 10),
                        shift ? mult : null, shift ? null : scales, rnd.nextBoolean());
            }
            case FixedFormat f -> {
                int[] weight = new int[w];
                for (int i = 0; i < w; i++) {
                    weight[i] = (int) rnd.nextLong(f.minRaw() / 4, f.maxRaw() / 4 + 1);
                }
                long[] bias = new long[oc];
                FixedFormat acc = cfg.accumulatorFormat();
                for (int i = 0; i < oc; i++) {
                    bias[i] = rnd.nextLong(-(1L << (2 * f.fracBits() + 2)), 1L << (2 * f.fracBits() + 2));
                }
                yield new Operands.FixedLayer(weight, bias, rnd.nextBoolean());
            }
        };
    }

    /** A random input (batch, inC, inH, inW) in the array's activation type. */
    static Tensor input(ImplicitGemm g, ArrayConfig cfg, SplittableRandom rnd) {
        int n = (int) g.inputElements();
        int[] shape = {g.batch(), g.inC(), g.inH(), g.inW()};
        return switch (cfg.format()) {
            case io.systole.arith.F32 f -> {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (float) (rnd.nextDouble() * 2 - 1);
                }
                yield Tensor.of(x, shape);
            }
            case Int8Format f -> {
                byte[] x = new byte[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (byte) rnd.nextInt(-128, 128);
                }
                yield Tensor.of(x, shape);
            }
            case FixedFormat f -> {
                int[] x = new int[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (int) rnd.nextLong(f.minRaw() / 4, f.maxRaw() / 4 + 1);
                }
                yield Tensor.of(x, shape);
            }
        };
    }

    /** Fails naming the first differing element (flat index, both values) unless equal bit for bit. */
    static void assertSameBits(String what, Tensor want, Tensor got) {
        if (want.equals(got)) {
            return;
        }
        if (!Arrays.equals(want.shape(), got.shape()) || want.dtype() != got.dtype()) {
            fail(what + ": shapes differ: " + want + " vs " + got);
        }
        for (int i = 0; i < want.size(); i++) {
            double a = want.get(i);
            double b = got.get(i);
            boolean same = want.dtype() == io.systole.tensor.DType.F32
                    ? Float.floatToIntBits((float) a) == Float.floatToIntBits((float) b) : a == b;
            if (!same) {
                fail(what + ": first difference at flat index " + i + ": expected " + a + ", got " + b);
            }
        }
    }
}
