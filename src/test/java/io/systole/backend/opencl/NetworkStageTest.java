package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.Float32Order;
import io.systole.arith.Int8Format;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Dataflow;
import io.systole.sim.FastEngine;
import io.systole.sim.Operands;
import io.systole.sim.PoolingUnit;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
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
 * Whole stages of zoo networks on the device against the simulator: every convolution, dense and
 * pooling layer of LeNet-5 (both zoo variants) and of the awkward tiny network, with pooling fused
 * or not, for weight- and output-stationary arrays of two sizes; and AlexNet's first layer.
 */
class NetworkStageTest {
  private static ClContext context;
  private static ConvKernels f32;

  @BeforeAll
  static void build() {
    context = ClContext.create(OpenClTestSupport.device());
    f32 = ConvKernels.build(context, ConvKernels.Family.F32);
  }

  @AfterAll
  static void release() {
    if (context != null) {
      context.close();
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String net : List.of("lenet5", "lenet5-28", "tiny")) {
      for (Dataflow d : Dataflow.values()) {
        for (int size : new int[] {8, 16}) {
          for (boolean fuse : new boolean[] {true, false}) {
            out.add(Arguments.of(net, d, size, fuse));
          }
        }
      }
    }
    return out.stream();
  }

  /** The last node a step covers: its name after the last '+'. */
  static String lastNode(ClOp op) {
    return op.name().substring(op.name().lastIndexOf('+') + 1);
  }

  @ParameterizedTest(name = "{0} {1} {2}x{2} fused pooling {3}")
  @MethodSource("cases")
  void everyStepEqualsTheSimulator(String name, Dataflow dataflow, int size, boolean fuse) {
    Network net = Zoo.get(name);
    ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(size, size).withDataflow(dataflow);
    int batch = 3;
    Tensor x = ClDifferential.input(cfg, new SplittableRandom(size), net.inputShape().batched(batch));
    Simulator.Run sim = new Simulator(cfg, new FastEngine()).run(net, x);
    List<ClOp> ops = ClOp.of(net, batch, fuse);
    assertTrue(ops.stream().anyMatch(op -> op instanceof ClOp.Gemm g && g.layer().gemm().inH() == 1),
        "the stage reaches the dense layers: " + ops.stream().map(ClOp::name).toList());
    for (OpenClLayerRunner.Strategy s : OpenClLayerRunner.Strategy.values()) {
      try (OpenClLayerRunner runner = OpenClLayerRunner.create(f32, cfg, ops, s)) {
        List<Tensor> outputs = runner.runSteps(x);
        for (int i = 0; i < ops.size(); i++) {
          ClOp op = ops.get(i);
          ClDifferential.assertSameBits(
              name + " " + s + " " + cfg + " step " + op.name(),
              sim.values().get(lastNode(op)),
              outputs.get(i));
        }
      }
    }
  }

  @Test
  void fusingPutsLeNetsConvolutionReluAndPoolingInOneLaunch() {
    Network net = Zoo.get("lenet5");
    List<ClOp> ops = ClOp.of(net, 1, true);
    assertEquals(
        List.of("conv1+relu1+pool1", "conv2+relu2+pool2", "conv3+relu3", "fc1+relu4", "fc2"),
        ops.stream().map(ClOp::name).toList());
    try (OpenClLayerRunner runner = OpenClLayerRunner.create(f32, ArrayConfig.DEFAULT, ops)) {
      runner.run(ClDifferential.input(ArrayConfig.DEFAULT, new SplittableRandom(1), 1, 1, 32, 32));
      List<String> steps = new ArrayList<>(runner.timings().entries().keySet());
      assertEquals(
          List.of("input", "conv1+relu1+pool1 conv_fused", "conv2+relu2+pool2 conv_fused",
              "conv3+relu3 conv_fused", "fc1+relu4 conv_fused", "fc2 conv_fused", "output"),
          steps);
    }
  }

  /** AlexNet's conv1 + ReLU + overlapping max pooling, tiled (float32) and int8. */
  @Test
  void alexNetFirstLayer() {
    Network net = Zoo.get("alexnet");
    ClOp.Gemm first = (ClOp.Gemm) ClOp.of(net, 1, true).getFirst();
    assertEquals("conv1+relu1+pool1", first.name());
    ArrayConfig cfg = ArrayConfig.DEFAULT;
    SplittableRandom random = new SplittableRandom(5);
    Tensor x = ClDifferential.input(cfg, random, 1, 3, 227, 227);
    Tensor conv = new FastEngine().run(first.layer(), x, cfg).output();
    float[] v = conv.floats();
    for (int i = 0; i < v.length; i++) {
      v[i] = Float32Order.relu(v[i]);
    }
    ClOp.Pool pool = first.pool();
    Tensor want = new PoolingUnit(cfg).run(pool.geometry(), false, true, 0, conv).output();
    try (OpenClLayerRunner runner = OpenClLayerRunner.create(f32, cfg, List.of(first))) {
      ClDifferential.assertSameBits("alexnet conv1+relu1+pool1 f32", want, runner.run(x));
    }

    ArrayConfig int8 = cfg.withFormat(Int8Format.DEFAULT).withDataflow(Dataflow.OS);
    ArrayLayer layer = new ArrayLayer(first.layer().gemm(),
        ClDifferential.operands(first.layer().gemm(), int8, random));
    int zeroPoint = ((Operands.Int8Layer) layer.operands()).outputZeroPoint();
    ClOp.Pool quantizedPool =
        new ClOp.Pool(pool.name(), pool.geometry(), false, true, zeroPoint);
    Tensor q = ClDifferential.input(int8, random, 1, 3, 227, 227);
    Tensor qConv = new FastEngine().run(layer, q, int8).output();
    Tensor qWant =
        new PoolingUnit(int8).run(pool.geometry(), false, true, zeroPoint, qConv).output();
    ConvKernels kernels = ConvKernels.build(context, ConvKernels.Family.INT8);
    List<ClOp> ops = List.of(new ClOp.Gemm(first.name(), layer, false, quantizedPool));
    try (OpenClLayerRunner runner = OpenClLayerRunner.create(kernels, int8, ops)) {
      ClDifferential.assertSameBits("alexnet conv1+relu1+pool1 int8", qWant, runner.run(q));
    }
  }
}
