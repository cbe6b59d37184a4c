package io.systole.backend.opencl;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Float32Order;
import io.systole.arith.NumberFormat;
import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Dataflow;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.sim.PoolingUnit;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel against the simulator, bit for bit, on seeded random awkward layers: float32,
 * int8 and fixed point, weight- and output-stationary arrays of two sizes, tiled and fused
 * kernels, with and without fused pooling.
 */
class ConvDifferentialTest {
  private static ClContext context;
  private static final Map<ConvKernels.Family, ConvKernels> KERNELS =
      new EnumMap<>(ConvKernels.Family.class);

  @BeforeAll
  static void build() {
    context = ClContext.create(OpenClTestSupport.device());
  }

  @AfterAll
  static void release() {
    if (context != null) {
      context.close();
    }
  }

  static ConvKernels kernels(NumberFormat format) {
    return KERNELS.computeIfAbsent(
        ConvKernels.Family.of(format), f -> ConvKernels.build(context, f));
  }

  /**
   * 9x9 inputs, 5 -> 7 channels, stride 2, padding, dilation, groups, batch 3, a dense layer,
   * more channels than one vector, and a reduction of 279 indices.
   */
  static List<ImplicitGemm> layers() {
    return List.of(
        new ImplicitGemm("conv5to7", 1, 5, 9, 9, 7, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
        new ImplicitGemm("stride2", 3, 3, 9, 9, 7, 1, new Window(3, 3, 2, 2, 1, 1, 1, 1)),
        new ImplicitGemm("dilated", 1, 4, 9, 9, 5, 1, new Window(2, 3, 1, 2, 2, 1, 2, 2)),
        new ImplicitGemm("grouped", 2, 6, 7, 7, 9, 3, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
        new ImplicitGemm("dense", 3, 19, 1, 1, 17, 1, new Window(1, 1, 1, 1, 0, 0, 1, 1)),
        new ImplicitGemm("long", 1, 31, 5, 6, 11, 1, new Window(3, 3, 1, 1, 0, 1, 1, 1)));
  }

  static final String[] FORMATS = {
    "f32",
    "int8",
    "int8<16,SATURATE,FLOAT_SCALE>",
    "int8<20,WRAP>",
    "fixed<8,3,RND,SAT>",
    "fixed<12,5,RND_CONV,WRAP>"
  };

  static ArrayConfig config(String format, Dataflow dataflow, int size) {
    NumberFormat f = NumberFormat.parse(format);
    return ArrayConfig.DEFAULT.withFormat(f).withSize(size, size).withDataflow(dataflow);
  }

  static Stream<Arguments> layerCases() {
    List<Arguments> out = new ArrayList<>();
    long seed = 1;
    for (Dataflow d : Dataflow.values()) {
      for (int size : new int[] {8, 16}) {
        for (String f : FORMATS) {
          for (ImplicitGemm g : layers()) {
            out.add(Arguments.of(d, size, f, g, seed++));
          }
        }
      }
    }
    return out.stream();
  }

  /** The simulator's output of a layer, with the float32 ReLU a fused step applies. */
  static Tensor simulate(ArrayLayer layer, Tensor x, ArrayConfig cfg, boolean relu) {
    Tensor y = new FastEngine().run(layer, x, cfg).output();
    if (relu) {
      float[] v = y.floats();
      for (int i = 0; i < v.length; i++) {
        v[i] = Float32Order.relu(v[i]);
      }
    }
    return y;
  }

  static Tensor run(ArrayConfig cfg, List<ClOp> ops, OpenClLayerRunner.Strategy s, Tensor x) {
    try (OpenClLayerRunner runner = OpenClLayerRunner.create(kernels(cfg.format()), cfg, ops, s)) {
      return runner.run(x);
    }
  }

  /** The tiled kernels with {@code tilesPerItem} register tiles in every work-item. */
  static Tensor runTiled(ArrayConfig cfg, List<ClOp> ops, int tilesPerItem, Tensor x) {
    try (OpenClLayerRunner runner = OpenClLayerRunner.create(kernels(cfg.format()), cfg, ops,
        OpenClLayerRunner.Strategy.TILED, g -> tilesPerItem)) {
      return runner.run(x);
    }
  }

  @ParameterizedTest(name = "{0} {1}x{1} {2} {3}")
  @MethodSource("layerCases")
  void layerEqualsTheSimulator(
      Dataflow dataflow, int size, String format, ImplicitGemm g, long seed) {
    ArrayConfig cfg = config(format, dataflow, size);
    SplittableRandom random = new SplittableRandom(seed);
    ArrayLayer layer = new ArrayLayer(g, ClDifferential.operands(g, cfg, random));
    Tensor x = ClDifferential.input(cfg, random, g.batch(), g.inC(), g.inH(), g.inW());
    boolean relu = cfg.format() instanceof F32 && random.nextBoolean();
    Tensor want = simulate(layer, x, cfg, relu);
    List<ClOp> ops = List.of(new ClOp.Gemm(g.name(), layer, relu, null));
    for (OpenClLayerRunner.Strategy s : List.of(
        OpenClLayerRunner.Strategy.TILED, OpenClLayerRunner.Strategy.FUSED)) {
      ClDifferential.assertSameBits(
          s + " " + cfg + " " + g.name(), want, run(cfg, ops, s, x));
    }
    // three tiles per work-item: a work-item's last tiles may lie past the layer's
    ClDifferential.assertSameBits(
        "TILED x3 " + cfg + " " + g.name(), want, runTiled(cfg, ops, 3, x));
  }

  static Stream<Arguments> poolCases() {
    List<Arguments> out = new ArrayList<>();
    long seed = 1000;
    for (String f : FORMATS) {
      out.add(Arguments.of(f, new Window(3, 3, 2, 2, 1, 1, 1, 1), false, true, seed++));
      out.add(Arguments.of(f, new Window(2, 2, 1, 1, 0, 0, 1, 1), true, true, seed++));
      out.add(Arguments.of(f, new Window(3, 2, 2, 1, 1, 1, 1, 1), true, true, seed++));
      out.add(Arguments.of(f, new Window(3, 3, 2, 2, 1, 1, 1, 1), true, false, seed++));
    }
    return out.stream();
  }

  /** Fused pooling after a convolution, and the pooling kernel on its own. */
  @ParameterizedTest(name = "{0} {1} average={2} countIncludePad={3}")
  @MethodSource("poolCases")
  void poolingEqualsThePoolingUnit(
      String format, Window window, boolean average, boolean countIncludePad, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Dataflow d : Dataflow.values()) {
      ArrayConfig cfg = config(format, d, 8);
      ImplicitGemm g =
          new ImplicitGemm("conv", 2, 5, 9, 9, 7, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1));
      ArrayLayer layer = new ArrayLayer(g, ClDifferential.operands(g, cfg, random));
      int zeroPoint =
          layer.operands() instanceof Operands.Int8Layer q ? q.outputZeroPoint() : 0;
      boolean relu = cfg.format() instanceof F32;
      ImplicitGemm p = PoolingUnit.geometry("pool", 2, 7, 9, 9, window);
      ClOp.Pool pool = new ClOp.Pool("pool", p, average, countIncludePad, zeroPoint);
      Tensor x = ClDifferential.input(cfg, random, 2, 5, 9, 9);
      Tensor conv = simulate(layer, x, cfg, relu);
      Tensor want =
          new PoolingUnit(cfg).run(p, average, countIncludePad, zeroPoint, conv).output();
      for (OpenClLayerRunner.Strategy s : List.of(
          OpenClLayerRunner.Strategy.TILED, OpenClLayerRunner.Strategy.FUSED)) {
        List<ClOp> fused = List.of(new ClOp.Gemm("conv+pool", layer, relu, pool));
        ClDifferential.assertSameBits(s + " fused " + cfg, want, run(cfg, fused, s, x));
      }
      ClDifferential.assertSameBits(
          "pool " + cfg, want, run(cfg, List.of(pool), OpenClLayerRunner.Strategy.AUTO, conv));
    }
  }

  /** Long folds (R = 100, and 300 > K = 279), short ones, and wider fixed formats. */
  @ParameterizedTest(name = "{0} rows {1}")
  @MethodSource("foldCases")
  void longAndShortFolds(String format, int rows, long seed) {
    NumberFormat f = NumberFormat.parse(format);
    ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(f).withSize(rows, 4);
    if (f instanceof FixedFormat fx) {
      cfg = new ArrayConfig("narrow accumulator", rows, 4, Dataflow.WS, f,
          Math.min(64, 2 * fx.width() + 2),
          1 << 17, 1 << 17, 1 << 16, 16, 500, true, 4);
    }
    ImplicitGemm g =
        new ImplicitGemm("long", 2, 31, 5, 6, 11, 1, new Window(3, 3, 1, 1, 0, 1, 1, 1));
    SplittableRandom random = new SplittableRandom(seed);
    ArrayLayer layer = new ArrayLayer(g, ClDifferential.operands(g, cfg, random));
    Tensor x = ClDifferential.input(cfg, random, 2, 31, 5, 6);
    Tensor want = simulate(layer, x, cfg, false);
    List<ClOp> ops = List.of(new ClOp.Gemm("long", layer, false, null));
    for (OpenClLayerRunner.Strategy s : List.of(
        OpenClLayerRunner.Strategy.TILED, OpenClLayerRunner.Strategy.FUSED)) {
      ClDifferential.assertSameBits(s + " " + cfg, want, run(cfg, ops, s, x));
    }
  }

  static Stream<Arguments> foldCases() {
    return Stream.of(
        Arguments.of("f32", 100, 1L),
        Arguments.of("f32", 300, 2L),
        Arguments.of("int8<17,SATURATE>", 100, 3L),
        Arguments.of("fixed<16,6,TRN_ZERO,SAT_SYM>", 100, 4L),
        Arguments.of("fixed<32,20,RND_INF,SAT_ZERO>", 7, 5L),
        Arguments.of("fixed<10,-2,RND_MIN_INF,WRAP>", 5, 6L));
  }
}
