package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.NumberFormat;
import io.systole.model.Network;
import io.systole.model.Window;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Dataflow;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.sim.PoolingUnit;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The FPGA-flavoured kernels (single work-item, unrolled PE array, line-buffer pooling) run
 * functionally on this machine's device and equal the simulator bit for bit.
 */
class FpgaKernelsTest {
  private static ClContext context;

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

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("f32", 8, 1L),
        Arguments.of("f32", 5, 2L),
        Arguments.of("int8<18,SATURATE,FLOAT_SCALE>", 8, 3L),
        Arguments.of("fixed<10,4,RND_CONV,SAT>", 4, 4L));
  }

  /** Awkward layers with fused pooling, and pooling alone, on an R x R weight-stationary array. */
  @ParameterizedTest(name = "{0} {1}x{1}")
  @MethodSource("cases")
  void arrayAndLineBufferEqualTheSimulator(String format, int size, long seed) {
    ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(NumberFormat.parse(format))
        .withSize(size, size).withDataflow(Dataflow.WS);
    ConvKernels kernels = ConvKernels.buildFpga(context, ConvKernels.Family.of(cfg.format()),
        new ConvKernels.FpgaArray(size, size, 64));
    SplittableRandom random = new SplittableRandom(seed);
    for (ImplicitGemm g : List.of(
        new ImplicitGemm("stride2", 3, 3, 9, 9, 7, 1, new Window(3, 3, 2, 2, 1, 1, 1, 1)),
        new ImplicitGemm("grouped", 1, 6, 9, 9, 9, 3, new Window(2, 3, 1, 1, 1, 0, 2, 1)),
        new ImplicitGemm("long", 1, 31, 5, 6, 19, 1, new Window(3, 3, 1, 1, 0, 1, 1, 1)))) {
      ArrayLayer layer = new ArrayLayer(g, ClDifferential.operands(g, cfg, random));
      int zeroPoint = layer.operands() instanceof Operands.Int8Layer q ? q.outputZeroPoint() : 0;
      ImplicitGemm p = PoolingUnit.geometry("pool", g.batch(), g.outC(), g.outH(), g.outW(),
          new Window(3, 2, 2, 1, 1, 1, 1, 1));
      boolean average = random.nextBoolean();
      ClOp.Pool pool = new ClOp.Pool("pool", p, average, true, zeroPoint);
      Tensor x = ClDifferential.input(cfg, random, g.batch(), g.inC(), g.inH(), g.inW());
      Tensor conv = new FastEngine().run(layer, x, cfg).output();
      Tensor want = new PoolingUnit(cfg).run(p, average, true, zeroPoint, conv).output();
      try (OpenClLayerRunner runner = OpenClLayerRunner.create(kernels, cfg,
          List.of(new ClOp.Gemm(g.name(), layer, false, null), pool))) {
        List<Tensor> got = runner.runSteps(x);
        ClDifferential.assertSameBits("conv_array " + cfg + " " + g.name(), conv, got.get(0));
        ClDifferential.assertSameBits("pool_line " + cfg + " " + g.name(), want, got.get(1));
      }
    }
  }

  @Test
  void leNetStageOnAnFpgaArray() {
    ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(8, 8);
    Network net = Zoo.get("lenet5-28");
    Tensor x = ClDifferential.input(cfg, new SplittableRandom(3), net.inputShape().batched(2));
    Simulator.Run sim = new Simulator(cfg, new FastEngine()).run(net, x);
    ConvKernels kernels = ConvKernels.buildFpga(
        context, ConvKernels.Family.F32, new ConvKernels.FpgaArray(8, 8, 64));
    List<ClOp> ops = ClOp.of(net, 2, true);
    try (OpenClLayerRunner runner = OpenClLayerRunner.create(kernels, cfg, ops)) {
      List<Tensor> got = runner.runSteps(x);
      for (int i = 0; i < ops.size(); i++) {
        ClDifferential.assertSameBits("FPGA lenet5-28 " + ops.get(i).name(),
            sim.values().get(NetworkStageTest.lastNode(ops.get(i))), got.get(i));
      }
      assertTrue(runner.timings().entries().containsKey("pool1 pool_line"),
          runner.timings().toString());
    }
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> OpenClLayerRunner.create(kernels, cfg.withSize(16, 16), ops));
    assertTrue(other.getMessage().contains("8x8"), other.getMessage());
    IllegalArgumentException line = assertThrows(IllegalArgumentException.class,
        () -> OpenClLayerRunner.create(ConvKernels.buildFpga(context, ConvKernels.Family.F32,
            new ConvKernels.FpgaArray(8, 8, 16)), cfg, ops));
    assertTrue(line.getMessage().contains("line buffer"), line.getMessage());
  }
}
