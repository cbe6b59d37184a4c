package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.Requant;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The comparison every OpenCL test goes through: seeded random operands and inputs in an array's
 * format, and an exact comparison that names the first differing element with both values.
 * Values are spread so that orders and overflow rules show: floats across many binades with
 * signed zeros, int8 over the whole range, fixed point up to the format's limits.
 */
final class ClDifferential {
  private ClDifferential() {}

  /** Fails naming the first element (flat index and (n, c, h, w)) that differs in its bits. */
  static void assertSameBits(String what, Tensor want, Tensor got) {
    if (want.dtype() != got.dtype() || want.size() != got.size()) {
      fail(what + ": expected " + want.dtype() + " " + Arrays.toString(want.shape()) + ", got "
          + got.dtype() + " " + Arrays.toString(got.shape()));
    }
    int[] shape = want.shape();
    for (int i = 0; i < want.size(); i++) {
      if (bits(want, i) != bits(got, i)) {
        fail(what + ": " + countDifferences(want, got) + " of " + want.size()
            + " elements differ; the first at flat index " + i + " " + coordinates(shape, i)
            + ": expected " + text(want, i) + ", got " + text(got, i));
      }
    }
  }

  /**
   * Fails naming the first index where {@code got} differs from {@code want}, with the inputs of
   * that element ({@code inputs}) and both values.
   */
  static void assertSameValues(String what, long[] want, long[] got, IntFunction<String> inputs) {
    for (int i = 0; i < want.length; i++) {
      if (want[i] != got[i]) {
        fail(what + ": first difference at index " + i + " (" + inputs.apply(i) + "): expected "
            + want[i] + ", got " + got[i]);
      }
    }
  }

  private static long bits(Tensor t, int i) {
    return switch (t.dtype()) {
      case F32 -> Float.floatToRawIntBits(t.floats()[i]);
      case I8 -> t.bytes()[i];
      case I32 -> t.ints()[i];
    };
  }

  private static String text(Tensor t, int i) {
    if (t.dtype() == DType.F32) {
      float v = t.floats()[i];
      return v + " (0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + ")";
    }
    return Long.toString(bits(t, i));
  }

  private static int countDifferences(Tensor want, Tensor got) {
    int n = 0;
    for (int i = 0; i < want.size(); i++) {
      n += bits(want, i) != bits(got, i) ? 1 : 0;
    }
    return n;
  }

  private static String coordinates(int[] shape, int flat) {
    int[] at = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      at[d] = flat % shape[d];
      flat /= shape[d];
    }
    return Arrays.toString(at);
  }

  /** A float that shows rounding: many binades, both signs, some signed zeros. */
  static float awkwardFloat(SplittableRandom random) {
    return switch (random.nextInt(16)) {
      case 0 -> -0.0f;
      case 1 -> 0.0f;
      default -> (float) ((random.nextDouble() * 2 - 1) * Math.scalb(1.0, random.nextInt(-12, 6)));
    };
  }

  /** A raw fixed-point value over the whole range of {@code f}. */
  static int fixedRaw(FixedFormat f, SplittableRandom random) {
    return (int) random.nextLong(f.minRaw(), f.maxRaw() + 1);
  }

  /** Random operands for a layer in the array's format, ReLU on or off at random. */
  static Operands operands(ImplicitGemm g, ArrayConfig cfg, SplittableRandom random) {
    int w = Math.toIntExact(g.weightElements());
    int oc = g.outC();
    boolean bias = random.nextInt(4) != 0;
    return switch (cfg.format()) {
      case F32 f -> {
        float[] weight = new float[w];
        for (int i = 0; i < w; i++) {
          weight[i] = awkwardFloat(random);
        }
        float[] b = new float[oc];
        for (int i = 0; i < oc; i++) {
          b[i] = awkwardFloat(random);
        }
        yield new Operands.F32Layer(weight, bias ? b : null);
      }
      case Int8Format f -> {
        byte[] weight = new byte[w];
        for (int i = 0; i < w; i++) {
          weight[i] = (byte) random.nextInt(-128, 128);
        }
        int[] b = new int[oc];
        io.systole.arith.QuantizedMultiplier[] multipliers =
            new io.systole.arith.QuantizedMultiplier[oc];
        float[] scales = new float[oc];
        for (int i = 0; i < oc; i++) {
          b[i] = random.nextInt(-40000, 40000);
          double real = Math.scalb(0.5 + random.nextDouble(), -random.nextInt(4, 14));
          multipliers[i] = Requant.quantizeMultiplier(real);
          scales[i] = (float) real;
        }
        boolean shift = f.requantMode() == Int8Format.RequantMode.MULTIPLIER_SHIFT;
        yield new Operands.Int8Layer(weight, bias ? b : null, random.nextInt(-128, 128),
            random.nextInt(-128, 128), shift ? multipliers : null, shift ? null : scales,
            random.nextBoolean());
      }
      case FixedFormat f -> {
        int[] weight = new int[w];
        for (int i = 0; i < w; i++) {
          weight[i] = fixedRaw(f, random);
        }
        FixedFormat acc = cfg.accumulatorFormat();
        long[] b = new long[oc];
        for (int i = 0; i < oc; i++) {
          b[i] = random.nextLong(acc.minRaw() / 2, acc.maxRaw() / 2);
        }
        yield new Operands.FixedLayer(weight, bias ? b : null, random.nextBoolean());
      }
    };
  }

  /** A random input of {@code elements} values in the array's activation type and shape. */
  static Tensor input(ArrayConfig cfg, SplittableRandom random, int... shape) {
    int n = Math.toIntExact(Tensor.count(shape));
    return switch (cfg.format()) {
      case F32 f -> {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
          x[i] = awkwardFloat(random);
        }
        yield Tensor.of(x, shape);
      }
      case Int8Format f -> {
        byte[] x = new byte[n];
        for (int i = 0; i < n; i++) {
          x[i] = (byte) random.nextInt(-128, 128);
        }
        yield Tensor.of(x, shape);
      }
      case FixedFormat f -> {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
          x[i] = fixedRaw(f, random);
        }
        yield Tensor.of(x, shape);
      }
    };
  }
}
