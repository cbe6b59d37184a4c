package io.systole.backend.opencl;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.Pooling;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;

/**
 * The host side of the kernels' device layouts ({@code systole_conv.cl}): tile sizes, the packed
 * weights, the per-channel data and the format parameters, as Java arrays ready for upload.
 * Arrays are {@code float[]}, {@code byte[]}, {@code int[]} or {@code long[]} as the family's
 * element types are.
 */
final class DeviceLayout {
  /**
   * Positions per register tile: its rows. With {@link #NR} it sets the tile that stays in
   * registers: 5 x 16 floats are ten AVX2 vectors of partial sums, enough independent fused
   * multiply-add chains to keep both FMA units busy, with room left for the weights.
   */
  static final int MR = 5;

  /** Output channels per register tile and per conv_fused work-item: the lanes of one vector. */
  static final int NR = 16;

  /**
   * Register tiles a work-item of the tiled kernels holds at most: their accumulators wait in
   * its private memory while each fold's weights serve all of them from the L1 cache.
   */
  static final int TT = 8;

  /** Work-items per work-group of the packing and convolution kernels. */
  static final int WG = 8;

  private DeviceLayout() {}

  /** The build options giving the kernels these tile sizes. */
  static String tileOptions() {
    return " -DMR=" + MR + " -DNR=" + NR + " -DTT=" + TT + " -DWG=" + WG;
  }

  /**
   * Whether the array's accumulator saturates (int8 SATURATE): the mac variant 1 of {@code
   * systole_format.cl}, which the tiled kernels run as {@code conv_ws_v1} and {@code conv_os_v1}.
   */
  static boolean saturating(ArrayConfig config) {
    return config.format() instanceof Int8Format f
        && f.accOverflow() == Int8Format.AccOverflow.SATURATE;
  }

  /** Position tiles of a group, MT = ceil(M / MR). */
  static int tiles(ImplicitGemm g) {
    return (g.m() + MR - 1) / MR;
  }

  /**
   * Register tiles per work-item of the tiled kernels on a device of {@code units} compute
   * units: up to {@link #TT}, while the layer still gives at least four work-groups per unit.
   */
  static int tilesPerItem(ImplicitGemm g, int units) {
    long items = (long) tiles(g) * panels(g) * g.groups();
    return Math.clamp(items / (4L * WG * units), 1, TT);
  }

  /** Channel panels of a group, NP = ceil(N / NR). */
  static int panels(ImplicitGemm g) {
    return (g.n() + NR - 1) / NR;
  }

  /** Bytes of one activation in device memory: float, int8, or a raw fixed-point int. */
  static int activationBytes(ConvKernels.Family family) {
    return family == ConvKernels.Family.INT8 ? 1 : 4;
  }

  /** Bytes of one packed reduction element: a float, x - zp as an int, or a raw int. */
  static final int PACKED_BYTES = 4;

  /** Bytes of one accumulator: float, int, or a raw fixed-point long. */
  static int accumulatorBytes(ConvKernels.Family family) {
    return family == ConvKernels.Family.FIXED ? 8 : 4;
  }

  /**
   * Whether the tiled kernels need {@code pack} to write their padded input: when the window
   * pads, or when an activation is not already a packed element (int8 packs x - zp as an int).
   * Otherwise they read the activations themselves.
   */
  static boolean packs(ImplicitGemm g, ConvKernels.Family family) {
    return g.window().ph() > 0 || g.window().pw() > 0 || family == ConvKernels.Family.INT8;
  }

  /**
   * Elements of the padded input (batch, inC, Hp, Wp) that the tiled kernels read.
   *
   * @throws ArithmeticException when the kernels' int offsets cannot address it
   */
  static int paddedElements(ImplicitGemm g) {
    return Math.toIntExact((long) g.batch() * g.inC() * g.paddedH() * g.paddedW());
  }

  /** (M) int: where each position starts its window in the padded input ({@link ImplicitGemm#windowStart}). */
  static int[] positionTable(ImplicitGemm g) {
    int[] table = new int[g.m()];
    for (int m = 0; m < table.length; m++) {
      table[m] = Math.toIntExact(g.windowStart(m));
    }
    return table;
  }

  /** (K) int: where each reduction index reads from its window's start ({@link ImplicitGemm#reductionOffset}). */
  static int[] reductionOffsets(ImplicitGemm g) {
    int[] offsets = new int[g.k()];
    for (int k = 0; k < offsets.length; k++) {
      offsets[k] = Math.toIntExact(g.reductionOffset(k));
    }
    return offsets;
  }

  /**
   * (K) int4: for reduction index k = (ci * kH + ky) * kW + kx, the offset of its input channel
   * plane {@code ci * inH * inW} and its kernel offsets {@code ky * dH}, {@code kx * dW}.
   */
  static int[] reductionTable(ImplicitGemm g) {
    Window w = g.window();
    int[] table = new int[4 * g.k()];
    int k = 0;
    for (int ci = 0; ci < g.inC() / g.groups(); ci++) {
      for (int ky = 0; ky < w.kh(); ky++) {
        for (int kx = 0; kx < w.kw(); kx++) {
          table[4 * k] = ci * g.inH() * g.inW();
          table[4 * k + 1] = ky * w.dh();
          table[4 * k + 2] = kx * w.dw();
          k++;
        }
      }
    }
    return table;
  }

  /**
   * The weights (outC, K) packed as (groups, NP, K, NR): panel p of group g holds channels
   * {@code g*N + p*NR + j}, j &lt; NR, side by side for each k, zeros past N.
   */
  static Object weights(Operands operands, ImplicitGemm g) {
    return switch (operands) {
      case Operands.F32Layer op -> {
        float[] out = new float[packedWeightElements(g)];
        forEachWeight(g, (src, dst) -> out[dst] = op.weight()[src]);
        yield out;
      }
      case Operands.Int8Layer op -> {
        byte[] out = new byte[packedWeightElements(g)];
        forEachWeight(g, (src, dst) -> out[dst] = op.weight()[src]);
        yield out;
      }
      case Operands.FixedLayer op -> {
        int[] out = new int[packedWeightElements(g)];
        forEachWeight(g, (src, dst) -> out[dst] = op.weight()[src]);
        yield out;
      }
    };
  }

  /** The weights as the operands hold them, (outC, K): what the FPGA array reads. */
  static Object rawWeights(Operands operands) {
    return switch (operands) {
      case Operands.F32Layer op -> op.weight();
      case Operands.Int8Layer op -> op.weight();
      case Operands.FixedLayer op -> op.weight();
    };
  }

  private static int packedWeightElements(ImplicitGemm g) {
    return Math.toIntExact((long) g.groups() * panels(g) * g.k() * NR);
  }

  private interface Copy {
    void copy(int source, int target);
  }

  private static void forEachWeight(ImplicitGemm g, Copy copy) {
    int k = g.k();
    int n = g.n();
    int np = panels(g);
    for (int grp = 0; grp < g.groups(); grp++) {
      for (int c = 0; c < n; c++) {
        int o = grp * n + c;
        int panel = (grp * np + c / NR) * k;
        for (int i = 0; i < k; i++) {
          copy.copy(o * k + i, (panel + i) * NR + c % NR);
        }
      }
    }
  }

  /**
   * Per output channel: float32 the bias; int8 (bias, multiplier, shift, scale bits) as in
   * {@link Operands.Int8Layer#finish}; fixed point the raw bias in the accumulator format. A
   * missing bias is zero, which leaves every format's accumulator unchanged.
   */
  static Object channels(Operands operands, int outC) {
    return switch (operands) {
      case Operands.F32Layer op -> op.bias() == null ? new float[outC] : op.bias().clone();
      case Operands.Int8Layer op -> {
        int[] out = new int[4 * outC];
        for (int o = 0; o < outC; o++) {
          out[4 * o] = op.bias() == null ? 0 : op.bias()[o];
          QuantizedMultiplier m =
              op.multipliers() == null ? QuantizedMultiplier.ZERO : op.multipliers()[o];
          out[4 * o + 1] = m.multiplier();
          out[4 * o + 2] = m.shift();
          out[4 * o + 3] = op.scales() == null ? 0 : Float.floatToRawIntBits(op.scales()[o]);
        }
        yield out;
      }
      case Operands.FixedLayer op -> op.bias() == null ? new long[outC] : op.bias().clone();
    };
  }

  /**
   * The format parameters of an array layer ({@code fmt_load} in {@code systole_format.cl}):
   * float32 (relu); int8 (accumulator bits, saturate, requantization mode, input and output zero
   * points, clamp bounds with the ReLU folded in); fixed point (accumulator format, data format,
   * product fraction bits, relu).
   */
  static int[] formatParameters(Operands operands, ArrayConfig config, boolean relu) {
    return switch (operands) {
      case Operands.F32Layer op -> new int[] {relu ? 1 : 0};
      case Operands.Int8Layer op -> {
        Int8Format f = (Int8Format) config.format();
        yield new int[] {
          f.accBits(),
          f.accOverflow() == Int8Format.AccOverflow.SATURATE ? 1 : 0,
          f.requantMode().ordinal(),
          op.inputZeroPoint(),
          op.outputZeroPoint(),
          Requant.activationMin(op.outputZeroPoint(), op.relu()),
          Requant.QMAX
        };
      }
      case Operands.FixedLayer op -> {
        FixedFormat data = (FixedFormat) config.format();
        int[] p = new int[10];
        put(p, 0, config.accumulatorFormat());
        put(p, 4, data);
        p[8] = 2 * data.fracBits();
        p[9] = op.relu() ? 1 : 0;
        yield p;
      }
    };
  }

  /**
   * The pooling parameters ({@code pool_fmt_load}): int8 the zero point; fixed point the sum
   * format (the array's accumulator) and the data format; float32 nothing (one unused int).
   *
   * @throws IllegalArgumentException when a fixed-point average cannot divide into the data
   *     format ({@link Pooling#divideFixed})
   */
  static int[] poolParameters(ArrayConfig config, int zeroPoint) {
    return switch (config.format()) {
      case io.systole.arith.F32 f -> new int[] {0};
      case Int8Format f -> new int[] {zeroPoint};
      case FixedFormat f -> {
        FixedFormat sum = config.accumulatorFormat();
        Pooling.divideFixed(0, 1, sum, f, null);
        int[] p = new int[8];
        put(p, 0, sum);
        put(p, 4, f);
        yield p;
      }
    };
  }

  /** A fixed-point format as four ints: width, fraction bits, rounding code, overflow code. */
  private static void put(int[] p, int at, FixedFormat f) {
    p[at] = f.width();
    p[at + 1] = f.fracBits();
    p[at + 2] = f.rounding().ordinal();
    p[at + 3] = f.overflow().ordinal();
  }

  /** A device buffer holding {@code array} (float[], byte[], int[] or long[]). */
  static ClBuffer upload(ClContext context, ClQueue queue, Object array) {
    return switch (array) {
      case float[] a -> filled(context.createBuffer(4L * a.length), b -> b.write(queue, a));
      case byte[] a -> filled(context.createBuffer(a.length), b -> b.write(queue, a));
      case int[] a -> filled(context.createBuffer(4L * a.length), b -> b.write(queue, a));
      case long[] a -> filled(context.createBuffer(8L * a.length), b -> b.write(queue, a));
      default -> throw new IllegalArgumentException("no upload for " + array.getClass());
    };
  }

  private interface Fill {
    void fill(ClBuffer buffer);
  }

  private static ClBuffer filled(ClBuffer buffer, Fill fill) {
    try {
      fill.fill(buffer);
      return buffer;
    } catch (RuntimeException e) {
      buffer.close();
      throw e;
    }
  }
}
