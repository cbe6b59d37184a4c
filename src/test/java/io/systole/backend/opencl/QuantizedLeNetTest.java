package io.systole.backend.opencl;

import io.systole.arith.Int8Format;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.Shape;
import io.systole.model.Zoo;
import io.systole.quant.Activation;
import io.systole.quant.Calibration;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.QuantizedSimulator;
import io.systole.quant.Quantizer;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Dataflow;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.PoolingUnit;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trained LeNet-5, quantized to int8 by the quant package, run on the OpenCL device: every
 * convolution, dense and pooling step equals the simulator's int8 run bit for bit.
 */
class QuantizedLeNetTest {
  private static ClContext context;
  private static ConvKernels int8;

  @BeforeAll
  static void build() {
    context = ClContext.create(OpenClTestSupport.device());
    int8 = ConvKernels.build(context, ConvKernels.Family.of(Int8Format.DEFAULT));
  }

  @AfterAll
  static void release() {
    if (context != null) {
      context.close();
    }
  }

  /** The int8 steps of a quantized network: every array layer with its operands, every pooling. */
  static List<ClOp> steps(QuantizedNetwork q, int batch) {
    Network net = q.network();
    List<ClOp> ops = new ArrayList<>();
    for (Network.Node n : net.nodes()) {
      Shape in = net.shapeOf(n.inputs().getFirst());
      switch (n.layer()) {
        case Conv2d c -> ops.add(new ClOp.Gemm(n.name(),
            new ArrayLayer(ImplicitGemm.of(c, in, batch), q.op(n.name()).operands()), false, null));
        case Dense d -> ops.add(new ClOp.Gemm(n.name(),
            new ArrayLayer(ImplicitGemm.of(d, batch), q.op(n.name()).operands()), false, null));
        case Pool2d p -> ops.add(new ClOp.Pool(n.name(),
            PoolingUnit.geometry(n.name(), batch, in.c(), in.h(), in.w(), p.window()), p instanceof AvgPool2d,
            p.countIncludePad(), ((Activation.Int8) q.activation(n.inputs().getFirst())).params().zeroPoint()));
        default -> {
        }
      }
    }
    return ops;
  }

  @ParameterizedTest(name = "{0}x{0} {1}")
  @CsvSource({"16, WS", "8, OS"})
  void everyStepEqualsTheSimulator(int size, Dataflow dataflow) {
    Network net = Zoo.get("lenet5-fashion");
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[4 * 28 * 28];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    Tensor batch = Tensor.of(x, 4, 1, 28, 28);
    QuantizedNetwork q = Quantizer.int8(net, Int8Format.DEFAULT, Calibration.minMax(net, batch)).network();
    ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(size, size).withDataflow(dataflow).withFormat(Int8Format.DEFAULT);
    Simulator.Run sim = new QuantizedSimulator(cfg, new FastEngine()).run(q, batch);
    List<ClOp> ops = steps(q, 4);
    try (OpenClLayerRunner runner = OpenClLayerRunner.create(int8, cfg, ops)) {
      List<Tensor> outs = runner.runSteps(q.quantizeInput(batch));
      for (int i = 0; i < ops.size(); i++) {
        ClDifferential.assertSameBits("lenet5-fashion int8 " + cfg.size() + " " + dataflow + " " + ops.get(i).name(),
            sim.values().get(ops.get(i).name()), outs.get(i));
      }
    }
  }
}
