package io.systole.backend.opencl;

import io.systole.arith.FixedFormat;
import io.systole.arith.NumberFormat;
import io.systole.backend.Backend;
import io.systole.backend.MeasuredAccelerator;
import io.systole.backend.Stage;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Layer;
import io.systole.model.Network;
import io.systole.partition.MeasuredCost;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenCL device as a {@link Backend}: a stage becomes {@link ClOp} steps (convolution or
 * dense with its ReLU and pooling fused) run by one {@link OpenClLayerRunner} per stage and
 * batch, built once with the weights uploaded once. Step outputs stay on the device; nodes fused
 * inside a step are not materialized. Times come from OpenCL event profiling: each step's
 * kernels go to its first node, the input transfer to the first node, the output transfer to
 * the last.
 */
public final class OpenClBackend implements MeasuredAccelerator {
  private final ClDevice device;
  private final ArrayConfig cfg;
  private final ClContext context;
  private final ConvKernels kernels;
  private final Map<String, OpenClLayerRunner> runners = new HashMap<>();
  private final MeasuredCost cost;

  /**
   * Builds (or loads from {@code binary}, when not null) the kernels of the array's format family
   * on the device, then measures its throughput, launch overhead and link bandwidth once.
   */
  public OpenClBackend(ClDevice device, ArrayConfig cfg, Path binary) {
    this.device = device;
    this.cfg = cfg;
    this.context = ClContext.create(device);
    ConvKernels.Family family = ConvKernels.Family.of(cfg.format());
    this.kernels = binary == null ? ConvKernels.build(context, family)
        : ConvKernels.fromBinary(context, family, binary);
    double launch = OpenCl.launchOverheadNanos(device) / 1e9;
    double link = measureLink();
    this.cost = new MeasuredCost(measureFlops(), link, launch);
  }

  @Override
  public String id() {
    return device.id();
  }

  @Override
  public MeasuredCost cost() {
    return cost;
  }

  @Override
  public String description() {
    return device.name() + " (" + device.type() + ", " + device.platform().name() + ")";
  }

  @Override
  public boolean supports(Layer layer) {
    return layer instanceof Conv2d || layer instanceof Dense || layer instanceof Pool2d
        || layer instanceof ReLU || layer instanceof Flatten;
  }

  /**
   * The formats of the kernels' family; fixed point only in the array's own format, since a
   * stage's kernels take one data format and convert nothing between steps.
   */
  @Override
  public boolean computes(NumberFormat format) {
    return ConvKernels.Family.of(format) == kernels.family()
        && (!(format instanceof FixedFormat) || format.equals(cfg.format()));
  }

  @Override
  public StageResult run(Stage stage, Tensor input, Set<String> wanted) {
    int batch = input.dim(0);
    if (stage.nodes().stream().allMatch(n -> n.layer() instanceof Flatten)) {
      Map<String, Tensor> views = new LinkedHashMap<>();
      List<NodeTiming> none = new ArrayList<>();
      for (Network.Node n : stage.nodes()) {
        views.put(n.name(), input.reshape(n.output().batched(batch)));
        none.add(new NodeTiming(n.name(), 0, 0, 0));
      }
      views.keySet().retainAll(wanted);
      return new StageResult(views, none);
    }
    OpenClLayerRunner runner = runners.computeIfAbsent(stage.network().name() + "@" + batch, k -> {
      List<ClOp> ops = ClOp.of(stage, batch, true);
      int covered = ops.stream().mapToInt(op -> op.name().split("\\+").length).sum();
      long flattens = stage.nodes().stream().filter(n -> n.layer() instanceof Flatten).count();
      if (covered + flattens != stage.nodes().size()) {
        throw new IllegalArgumentException("stage '" + stage.network().name() + "' on " + id()
            + " holds a layer OpenCL cannot run there (a ReLU that follows no convolution or"
            + " dense layer); pin it to jvm");
      }
      return OpenClLayerRunner.create(kernels, cfg, ops);
    });
    Map<String, Timings.Entry> before = new HashMap<>(runner.timings().entries());
    boolean all = stage.nodes().stream().anyMatch(n -> wanted.contains(n.name())
        && n != stage.nodes().getLast());
    List<Tensor> outs = all ? runner.runSteps(input) : List.of(runner.run(input));
    Map<String, Tensor> result = new LinkedHashMap<>();
    List<ClOp> ops = runner.ops();
    for (int i = 0; i < outs.size(); i++) {
      ClOp op = all ? ops.get(i) : ops.getLast();
      String last = lastNode(op);
      result.put(last, outs.get(i).reshape(stage.network().node(last).output().batched(batch)));
    }
    // a flatten is a view of its input's tensor (the stage input, or a step's output)
    for (Network.Node n : stage.nodes()) {
      if (n.layer() instanceof Flatten) {
        String from = n.inputs().getFirst();
        Tensor t = from.equals(Network.INPUT) ? input : result.get(from);
        if (t != null) {
          result.put(n.name(), t.reshape(n.output().batched(batch)));
        }
      }
    }
    result.keySet().retainAll(wanted);
    return new StageResult(result, timings(stage, ops, before, runner.timings().entries()));
  }

  private static String lastNode(ClOp op) {
    String[] parts = op.name().split("\\+");
    return parts[parts.length - 1];
  }

  /** The event times of one run, the difference of the runner's totals, attributed to nodes. */
  private static List<NodeTiming> timings(Stage stage, List<ClOp> ops, Map<String, Timings.Entry> before,
      Map<String, Timings.Entry> after) {
    Map<String, double[]> byNode = new LinkedHashMap<>();
    stage.nodes().forEach(n -> byNode.put(n.name(), new double[2]));
    for (Map.Entry<String, Timings.Entry> e : after.entrySet()) {
      Timings.Entry b = before.get(e.getKey());
      double s = (e.getValue().totalNanos() - (b == null ? 0 : b.totalNanos())) / 1e9;
      String key = e.getKey();
      if (key.equals("input")) {
        byNode.get(stage.nodes().getFirst().name())[1] += s;
      } else if (key.equals("output")) {
        byNode.get(stage.nodes().getLast().name())[1] += s;
      } else if (key.endsWith(" read")) {
        String step = key.substring(0, key.length() - " read".length());
        byNode.get(step.substring(step.lastIndexOf('+') + 1))[1] += s;
      } else {
        String step = key.substring(0, key.indexOf(' ') < 0 ? key.length() : key.indexOf(' '));
        byNode.get(step.split("\\+")[0])[0] += s;
      }
    }
    List<NodeTiming> out = new ArrayList<>();
    byNode.forEach((n, t) -> out.add(new NodeTiming(n, t[0], t[1], 0)));
    return out;
  }

  private double measureLink() {
    float[] data = new float[1 << 22];
    try (ClQueue q = context.createQueue(); ClBuffer b = context.createBuffer(data.length * 4L)) {
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        try (ClEvent ev = b.writeTimed(q, data)) {
          best = Math.min(best, ev.durationNanos());
        }
      }
      return data.length * 4.0 / (Math.max(best, 1) / 1e9);
    }
  }

  private double measureFlops() {
    ImplicitGemm g = new ImplicitGemm("calibration", 4, 32, 28, 28, 32, 1,
        new Window(3, 3, 1, 1, 1, 1, 1, 1));
    ClOp op = new ClOp.Gemm("calibration",
        new ArrayLayer(g, Operands.zeros(cfg.format(), g.outC(), g.k())), false, null);
    try (OpenClLayerRunner r = OpenClLayerRunner.create(kernels, cfg, List.of(op))) {
      Tensor x = Tensor.zeros(ArrayLayer.activationType(cfg.format()), 4, 32, 28, 28);
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 4; i++) {
        long t0 = System.nanoTime();
        r.run(x);
        best = Math.min(best, System.nanoTime() - t0);
      }
      return 2.0 * g.macs() / (best / 1e9);
    }
  }

  @Override
  public void close() {
    runners.values().forEach(OpenClLayerRunner::close);
    context.close();
  }
}
