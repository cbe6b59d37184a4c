package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.FixedFormat;
import io.systole.backend.Backend;
import io.systole.backend.jvm.JvmBackend;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.partition.Partitioner;
import io.systole.partition.Placement;
import io.systole.partition.Plan;
import io.systole.quant.Calibration;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.QuantizedSimulator;
import io.systole.quant.Quantizer;
import io.systole.quant.TrainedLeNet;
import io.systole.runtime.FaultyBackend;
import io.systole.runtime.Runtime;
import io.systole.sim.ArrayConfig;
import io.systole.sim.FastEngine;
import io.systole.tensor.Tensor;
import io.systole.verify.Mismatch;
import io.systole.verify.Verifier;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quantized trained LeNet-5 through the OpenCL backend: convolution and pooling go to the
 * device, tensors stay there between its steps, and every layer it materializes equals the
 * simulation of the quantized network bit for bit; a bit flipped in its int8 output is named
 * exactly; layers in a fixed-point format other than the array's stay on the host.
 */
class QuantizedStageTest {
  private static final List<String> ARRAY_NODES = List.of("conv1", "pool1", "conv2", "pool2");

  @ParameterizedTest
  @ValueSource(strings = {"int8", "int8<32,WRAP,FLOAT_SCALE>", "fixed<16,6,RND,SAT>"})
  void stagesEqualTheSimulator(String format) {
    ClDevice device = OpenClTestSupport.device();
    QuantizedNetwork q = TrainedLeNet.quantized(format);
    ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(q.format());
    Tensor x = TrainedLeNet.images(3, 5);
    Map<String, Tensor> golden = new QuantizedSimulator(cfg, new FastEngine()).run(q, x).values();
    try (OpenClBackend cl = new OpenClBackend(device, cfg, null)) {
      List<Backend> devices = List.of(JvmBackend.host(cfg), cl);
      Plan plan = new Partitioner(List.copyOf(devices)).plan(q, 3, Placement.NONE);
      ARRAY_NODES.forEach(n -> assertEquals(device.id(), plan.step(n).device(), plan.table()));
      Runtime.Execution run = new Runtime(devices).execute(plan, q, x, true);
      Verifier.Result res = Verifier.compare(q.network(), golden, run.values());
      assertTrue(res.passed(), format + ": " + res.first());
      Map<String, Boolean> materialized = res.nodes().stream()
          .collect(Collectors.toMap(Verifier.NodeResult::node, Verifier.NodeResult::materialized));
      assertFalse(materialized.get("conv1"), "conv1 + relu1 + pool1 is one step");
      assertTrue(materialized.get("pool1") && materialized.get("pool2"));
      assertEquals(golden.get("softmax"), run.output());
    }
  }

  @Test
  void plantedFaultsInTheDevicesInt8OutputAreNamedExactly() {
    ClDevice device = OpenClTestSupport.device();
    QuantizedNetwork q = TrainedLeNet.quantized("int8");
    Network net = q.network();
    ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(q.format());
    Tensor x = TrainedLeNet.images(2, 9);
    Map<String, Tensor> golden = new QuantizedSimulator(cfg, new FastEngine()).run(q, x).values();
    String everyNodeButSoftmax = net.nodes().stream().filter(n -> !n.name().equals("softmax"))
        .map(n -> n.name() + "=" + device.id()).collect(Collectors.joining(","));
    SplittableRandom r = new SplittableRandom(17);
    try (OpenClBackend cl = new OpenClBackend(device, cfg, null)) {
      for (String node : List.of("pool1", "pool2", "relu3", "relu4", "fc3")) {
        Tensor want = golden.get(node);
        int index = r.nextInt(want.size());
        int bit = r.nextInt(8);
        List<Backend> devices =
            List.of(JvmBackend.host(cfg), new FaultyBackend(cl, node, index, bit));
        Plan plan = new Partitioner(List.copyOf(devices))
            .plan(q, 2, Placement.parse(everyNodeButSoftmax));
        Runtime.Execution run = new Runtime(devices).execute(plan, q, x, true);
        Mismatch m = Verifier.compare(net, golden, run.values()).first();
        assertEquals(node, m.node(), "bit " + bit);
        assertEquals(index, m.index());
        int[] s = want.shape();
        int per = want.size() / s[0];
        int hw = s.length == 4 ? s[2] * s[3] : 1;
        assertEquals(index / per, m.batch());
        assertEquals(index % per / hw, m.channel());
        assertEquals(s.length == 4 ? index % hw / s[3] : 0, m.row());
        assertEquals(s.length == 4 ? index % s[3] : 0, m.column());
        assertEquals(want.bytes()[index], (byte) m.expected());
        assertEquals((byte) (want.bytes()[index] ^ (1 << bit)), (byte) m.actual());
        assertEquals(1, m.differing());
      }
    }
  }

  @Test
  void layersInAnotherFixedPointFormatStayOnTheHost() {
    ClDevice device = OpenClTestSupport.device();
    Network net = Zoo.get(TrainedLeNet.NAME);
    FixedFormat base = FixedFormat.parse("fixed<16,6,RND,SAT>");
    FixedFormat own = FixedFormat.parse("fixed<16,4,RND,SAT>");
    QuantizedNetwork q = Quantizer.fixed(net, base, Map.of("conv1", own),
        Calibration.minMax(net, TrainedLeNet.images(8, 21))).network();
    ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(base);
    Tensor x = TrainedLeNet.images(2, 3);
    try (OpenClBackend cl = new OpenClBackend(device, cfg, null)) {
      List<Backend> devices = List.of(JvmBackend.host(cfg), cl);
      Partitioner partitioner = new Partitioner(List.copyOf(devices));
      Plan plan = partitioner.plan(q, 2, Placement.NONE);
      for (String n : List.of("conv1", "pool1", "conv2")) {
        assertEquals("jvm", plan.step(n).device(), n + " reads or writes " + own + "\n" + plan.table());
      }
      assertEquals(device.id(), plan.step("pool2").device(), plan.table());
      Runtime.Execution run = new Runtime(devices).execute(plan, q, x, true);
      Verifier.Result res = Verifier.compare(net,
          new QuantizedSimulator(cfg, new FastEngine()).run(q, x).values(), run.values());
      assertTrue(res.passed(), String.valueOf(res.first()));
      String m = assertThrows(ModelException.class,
          () -> partitioner.plan(q, 2, Placement.parse("conv1=" + device.id()))).getMessage();
      assertTrue(m.contains("does not compute " + own), m);
    }
  }
}
