package io.systole.backend.opencl;

import io.systole.arith.Int8Format;
import io.systole.arith.Int8Quant;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Speed of the OpenCL kernels on the convolutions of LeNet-5 (batch 1 and 64) and AlexNet (batch
 * 1), in float32 and int8, with the arithmetic of the 16x16 weight-stationary array preset. Per
 * layer it prints the kernels that ran, the device time of one run from their events (kernel),
 * the host time of one whole run with its transfers and launches (wall), GFLOP/s of both
 * (2 * MACs / time), the simulator's fast engine time on the same layer, and whether the OpenCL
 * output equals the simulator's bit for bit. Times are the best of the runs; the first run is a
 * warm-up and not counted. Also prints the fixed cost of one kernel launch. Run from the jar:
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -cp target/systole.jar io.systole.backend.opencl.ClBench [runs] [device]
 * </pre>
 */
public final class ClBench {
  /** A network and the batch its convolutions run at. */
  private record Workload(String network, int batch) {}

  private static final List<Workload> WORKLOADS =
      List.of(new Workload("lenet5", 1), new Workload("lenet5", 64), new Workload("alexnet", 1));

  /** Real value of one int8 step of the benchmark's activations, in and out. */
  private static final float IN_SCALE = 1 / 64f;

  private static final float OUT_SCALE = 1 / 16f;

  private ClBench() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Availability availability = OpenCl.discover();
    if (!availability.isAvailable()) {
      System.out.println("OpenCL: " + availability.reason());
      System.exit(1);
    }
    ClDevice device = availability.device(args.length > 1 ? args[1] : "0");
    System.out.println("device: " + device);
    System.out.printf(
        Locale.ROOT, "kernel launch (empty kernel, enqueue to finish): %.1f us%n",
        OpenCl.launchOverheadNanos(device) / 1e3);
    System.out.printf(
        Locale.ROOT, "%-6s %-8s %5s %-6s %11s %-22s %10s %8s %10s %8s %9s  %s%n", "format",
        "network", "batch", "layer", "MACs", "kernels", "kernel ms", "GFLOP/s", "wall ms",
        "GFLOP/s", "sim ms", "check");
    ArrayConfig f32 = ArrayConfig.preset("16x16-ws");
    try (ClContext context = ClContext.create(device)) {
      for (ArrayConfig cfg : List.of(f32, f32.withFormat(Int8Format.DEFAULT))) {
        ConvKernels kernels = ConvKernels.build(context, ConvKernels.Family.of(cfg.format()));
        for (Workload w : WORKLOADS) {
          Network net = Zoo.get(w.network());
          SplittableRandom random = new SplittableRandom(7);
          for (Network.Node node : net.nodes()) {
            if (node.layer() instanceof Conv2d c) {
              ImplicitGemm g = ImplicitGemm.of(c, net.shapeOf(node.inputs().getFirst()), w.batch());
              ArrayLayer layer = new ArrayLayer(g, operands(c, cfg));
              layer(kernels, cfg, w, layer, input(g, cfg, random), runs);
            }
          }
        }
      }
    }
  }

  private static void layer(
      ConvKernels kernels, ArrayConfig cfg, Workload w, ArrayLayer layer, Tensor x, int runs) {
    long simStart = System.nanoTime();
    Tensor want = new FastEngine().run(layer, x, cfg).output();
    long simNanos = System.nanoTime() - simStart;
    List<ClOp> ops = List.of(new ClOp.Gemm(layer.name(), layer, false, null));
    try (OpenClLayerRunner runner = OpenClLayerRunner.create(kernels, cfg, ops)) {
      Tensor got = runner.run(x);
      long bestKernel = Long.MAX_VALUE;
      long bestWall = Long.MAX_VALUE;
      for (int r = 0; r < runs; r++) {
        long before = kernelNanos(runner.timings());
        long start = System.nanoTime();
        runner.run(x);
        bestWall = Math.min(bestWall, System.nanoTime() - start);
        bestKernel = Math.min(bestKernel, kernelNanos(runner.timings()) - before);
      }
      double flops = 2.0 * layer.gemm().macs();
      System.out.printf(
          Locale.ROOT, "%-6s %-8s %5d %-6s %11d %-22s %10.3f %8.2f %10.3f %8.2f %9.1f  %s%n",
          cfg.format().name(), w.network(), w.batch(), layer.name(), layer.gemm().macs(),
          kernelNames(runner.timings()), bestKernel / 1e6, flops / bestKernel,
          bestWall / 1e6, flops / bestWall, simNanos / 1e6,
          sameBits(want, got) ? "bit-exact" : "DIFFERS from the simulator");
    }
  }

  /** Device time of every kernel so far (transfers are named input and output). */
  private static long kernelNanos(Timings timings) {
    return timings.entries().entrySet().stream()
        .filter(e -> !e.getKey().equals("input") && !e.getKey().equals("output"))
        .mapToLong(e -> e.getValue().totalNanos())
        .sum();
  }

  private static String kernelNames(Timings timings) {
    return String.join(
        "+",
        timings.entries().keySet().stream()
            .filter(name -> !name.equals("input") && !name.equals("output"))
            .map(name -> name.substring(name.lastIndexOf(' ') + 1))
            .toList());
  }

  private static boolean sameBits(Tensor a, Tensor b) {
    return switch (a.dtype()) {
      case F32 -> Arrays.equals(a.floats(), b.floats());
      case I8 -> Arrays.equals(a.bytes(), b.bytes());
      case I32 -> Arrays.equals(a.ints(), b.ints());
    };
  }

  /**
   * The layer's zoo weights: as they are for float32; for int8 quantized per output channel
   * (symmetric weights, int32 bias, multipliers for fixed input and output scales, ReLU).
   */
  private static Operands operands(Conv2d c, ArrayConfig cfg) {
    float[] w = c.weight().data();
    float[] b = c.bias().data();
    if (!(cfg.format() instanceof Int8Format)) {
      return new Operands.F32Layer(w, b);
    }
    int k = c.reduction();
    int oc = c.outChannels();
    byte[] q = new byte[w.length];
    int[] bias = new int[oc];
    QuantizedMultiplier[] multipliers = new QuantizedMultiplier[oc];
    for (int o = 0; o < oc; o++) {
      float scale = Int8Quant.symmetricScale(w, o * k, k);
      for (int i = o * k; i < (o + 1) * k; i++) {
        q[i] = Int8Quant.quantizeWeight(w[i], scale);
      }
      bias[o] = Int8Quant.quantizeBias(b[o], IN_SCALE, scale);
      multipliers[o] =
          Requant.quantizeMultiplier(Requant.realMultiplier(IN_SCALE, scale, OUT_SCALE));
    }
    return new Operands.Int8Layer(q, bias, 0, -128, multipliers, null, true);
  }

  /** A seeded input: uniform in [-1, 1) for float32, every int8 value for int8. */
  private static Tensor input(ImplicitGemm g, ArrayConfig cfg, SplittableRandom random) {
    int n = Math.toIntExact(g.inputElements());
    int[] shape = {g.batch(), g.inC(), g.inH(), g.inW()};
    if (cfg.format() instanceof Int8Format) {
      byte[] x = new byte[n];
      for (int i = 0; i < n; i++) {
        x[i] = (byte) random.nextInt(-128, 128);
      }
      return Tensor.of(x, shape);
    }
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return Tensor.of(x, shape);
  }
}
