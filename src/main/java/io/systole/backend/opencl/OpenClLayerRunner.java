package io.systole.backend.opencl;

import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Dataflow;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Runs a stage of {@link ClOp}s on one OpenCL device with the arithmetic of one array
 * configuration: each output equals the simulator's for that configuration bit for bit. Weights,
 * per-channel data and parameters are uploaded once, when the runner is created; activations
 * stay in device buffers from step to step, so a run moves only its input to the device and its
 * output back. Every kernel and transfer is timed by its event ({@link #timings()}).
 *
 * <p>Kernels of an array layer ({@code accelerators/opencl/systole_conv.cl}), by {@link
 * Strategy}:
 *
 * <ul>
 *   <li>tiled: {@code pack} (the input padded, in the packed element type; skipped when
 *       neither is needed), then {@code conv_ws} (register tiles of positions sharing each
 *       weight vector, folds of the array's R rows) or {@code conv_os} (output-stationary), then
 *       {@code pool} when pooling is fused: up to three launches, fast for large layers;
 *   <li>fused: {@code conv_fused}, the convolution, bias, ReLU and pooling in one launch reading
 *       the input directly: small layers pay the launch cost once per fused group.
 * </ul>
 *
 * <p>With FPGA kernels ({@link ConvKernels#fpga()}) an array layer is one {@code conv_array}
 * launch and pooling one {@code pool_line} launch, for a weight-stationary configuration of the
 * kernels' array size; the strategy does not apply.
 *
 * <p>Not thread-safe: one thread runs a runner at a time.
 */
public final class OpenClLayerRunner implements AutoCloseable {
  /** How array layers are launched. */
  public enum Strategy {
    /**
     * {@code conv_fused} for layers of at most {@link #FUSED_MAX_MACS} multiply-accumulates
     * (counting what overlapping fused pooling windows compute again), tiled above.
     */
    AUTO,
    /** Always {@code conv_fused}: the plain twin, one launch per step. */
    FUSED,
    /** Always packing, then {@code conv_ws} or {@code conv_os}, then pooling. */
    TILED
  }

  /**
   * Up to this many multiply-accumulates a layer runs fused under {@link Strategy#AUTO}: on PoCL
   * (2 cores, about 20 us per launch) the direct kernel loses less than one or two launches cost
   * up to about a quarter of a million (LeNet-5 at batch 1), and much more above.
   */
  public static final long FUSED_MAX_MACS = 1L << 18;

  /** Pooling kinds of {@code systole_format.cl}. */
  private static final int POOL_NONE = 0;

  private static final int POOL_MAX = 1;
  private static final int POOL_AVG = 2;

  /** Work-items per pooling work-group. */
  private static final int POOL_GROUP = 64;

  /** The NDRange of a single work-item kernel. */
  private static final long[] SINGLE = {1};

  /** The 1x1 window of no pooling. */
  private static final Window IDENTITY = new Window(1, 1, 1, 1, 0, 0, 1, 1);

  /** One kernel launch with its arguments already set. */
  private record Launch(String label, ClKernel kernel, long[] global, long[] local) {}

  /** A step's launches and the resident buffer that holds its output. */
  private record Step(ClOp op, List<Launch> launches, ClBuffer output) {}

  private final ConvKernels kernels;
  private final ArrayConfig config;
  private final Strategy strategy;
  private final ToIntFunction<ImplicitGemm> tilesPerItem;
  private final ClContext context;
  private final ClQueue queue;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private final Timings timings = new Timings();
  private ClBuffer input;
  private long inputElements;
  private ClBuffer scratch;

  private OpenClLayerRunner(
      ConvKernels kernels,
      ArrayConfig config,
      Strategy strategy,
      ToIntFunction<ImplicitGemm> tilesPerItem) {
    this.kernels = kernels;
    this.config = config;
    this.strategy = strategy;
    this.tilesPerItem = tilesPerItem;
    this.context = kernels.context();
    this.queue = context.createQueue();
  }

  /** {@link #create(ConvKernels, ArrayConfig, List, Strategy)} with {@link Strategy#AUTO}. */
  public static OpenClLayerRunner create(
      ConvKernels kernels, ArrayConfig config, List<? extends ClOp> ops) {
    return create(kernels, config, ops, Strategy.AUTO);
  }

  /**
   * Prepares {@code ops} on the kernels' device: uploads every weight and parameter, allocates
   * the activations and sets every kernel argument.
   *
   * @param kernels the program of the configuration's format family
   * @param config the array whose arithmetic the kernels reproduce (format, rows, dataflow)
   * @param ops the steps in order, each reading the previous one's output
   * @throws IllegalArgumentException when the ops do not chain, or do not suit the format
   */
  public static OpenClLayerRunner create(
      ConvKernels kernels, ArrayConfig config, List<? extends ClOp> ops, Strategy strategy) {
    int units = kernels.context().device().computeUnits();
    return create(kernels, config, ops, strategy, g -> DeviceLayout.tilesPerItem(g, units));
  }

  /**
   * As {@link #create(ConvKernels, ArrayConfig, List, Strategy)}, with the register tiles each
   * work-item of the tiled kernels holds given per layer (1 to {@link DeviceLayout#TT}) instead
   * of chosen for the device: tests reach every way of sharing the tiles out this way.
   */
  static OpenClLayerRunner create(
      ConvKernels kernels,
      ArrayConfig config,
      List<? extends ClOp> ops,
      Strategy strategy,
      ToIntFunction<ImplicitGemm> tilesPerItem) {
    if (ConvKernels.Family.of(config.format()) != kernels.family()) {
      throw new IllegalArgumentException(
          "array '" + config.name() + "' is " + config.format() + " but the kernels are "
              + kernels.family().key());
    }
    if (ops.isEmpty()) {
      throw new IllegalArgumentException("an OpenCL stage needs at least one step");
    }
    kernels.fpga().ifPresent(array -> {
      if (config.dataflow() != Dataflow.WS || config.rows() != array.rows()
          || config.cols() != array.cols()) {
        throw new IllegalArgumentException(
            "the " + kernels.describe() + " reproduce a weight-stationary " + array
                + " array, not " + config);
      }
    });
    OpenClLayerRunner runner = new OpenClLayerRunner(kernels, config, strategy, tilesPerItem);
    try {
      runner.prepare(ops);
      return runner;
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
  }

  /** Runs the stage: {@code input} to the device, every step, the last step's output back. */
  public Tensor run(Tensor input) {
    return execute(input, false).getFirst();
  }

  /** As {@link #run}, reading back every step's output, in step order (for verification). */
  public List<Tensor> runSteps(Tensor input) {
    return execute(input, true);
  }

  /** Device time of every kernel and transfer so far, named "STEP KERNEL", "input", "output". */
  public Timings timings() {
    return timings;
  }

  /** The steps, in order. */
  public List<ClOp> ops() {
    return steps.stream().map(Step::op).toList();
  }

  private void prepare(List<? extends ClOp> ops) {
    inputElements = inputElements(ops.getFirst());
    int bytes = DeviceLayout.activationBytes(kernels.family());
    input = own(context.createBuffer(inputElements * bytes));
    long scratchBytes = ops.stream().mapToLong(this::scratchBytes).max().orElse(0);
    if (scratchBytes > 0) {
      scratch = own(context.createBuffer(scratchBytes));
    }
    ClBuffer in = input;
    long elements = inputElements;
    for (ClOp op : ops) {
      if (inputElements(op) != elements) {
        throw new IllegalArgumentException(
            "step '" + op.name() + "' reads " + inputElements(op) + " elements but the step"
                + " before it gives " + elements);
      }
      Step step =
          switch (op) {
            case ClOp.Gemm g -> gemm(g, in);
            case ClOp.Pool p -> {
              ClBuffer out = own(context.createBuffer(count(p.outputShape()) * bytes));
              yield new Step(op, List.of(pool(p, in, out)), out);
            }
          };
      steps.add(step);
      in = step.output();
      elements = count(op.outputShape());
    }
  }

  /**
   * Bytes of device scratch a step needs: the padded input of the tiled kernels, the
   * accumulators (M, COLS) of the FPGA array.
   */
  private long scratchBytes(ClOp op) {
    if (!(op instanceof ClOp.Gemm g)) {
      return 0;
    }
    ImplicitGemm gemm = g.layer().gemm();
    if (kernels.fpga().isPresent()) {
      return (long) gemm.m() * kernels.fpga().get().cols()
          * DeviceLayout.accumulatorBytes(kernels.family());
    }
    return fused(g) || !DeviceLayout.packs(gemm, kernels.family())
        ? 0
        : (long) DeviceLayout.paddedElements(gemm) * DeviceLayout.PACKED_BYTES;
  }

  private static long inputElements(ClOp op) {
    return switch (op) {
      case ClOp.Gemm g -> g.layer().gemm().inputElements();
      case ClOp.Pool p -> p.geometry().inputElements();
    };
  }

  private boolean fused(ClOp.Gemm op) {
    return switch (strategy) {
      case FUSED -> true;
      case TILED -> false;
      case AUTO -> fusedMacs(op) <= FUSED_MAX_MACS;
    };
  }

  /** Multiply-accumulates of conv_fused: every window position of the pooling computes its own. */
  static long fusedMacs(ClOp.Gemm op) {
    ImplicitGemm g = op.layer().gemm();
    if (op.pool() == null) {
      return g.macs();
    }
    ImplicitGemm p = op.pool().geometry();
    return (long) p.m() * p.k() * g.k() * g.outC();
  }

  private Step gemm(ClOp.Gemm op, ClBuffer in) {
    ArrayLayer layer = op.layer();
    ImplicitGemm g = layer.gemm();
    Operands operands = layer.operands();
    boolean suits =
        switch (kernels.family()) {
          case F32 -> operands instanceof Operands.F32Layer;
          case INT8 -> operands instanceof Operands.Int8Layer;
          case FIXED -> operands instanceof Operands.FixedLayer;
        };
    if (!suits) {
      throw new IllegalArgumentException(
          "step '" + op.name() + "': " + operands.getClass().getSimpleName()
              + " operands do not suit a " + config.format() + " array");
    }
    ClBuffer channels = upload(DeviceLayout.channels(operands, g.outC()));
    ClBuffer format = upload(DeviceLayout.formatParameters(operands, config, op.relu()));
    int bytes = DeviceLayout.activationBytes(kernels.family());
    ClBuffer out = own(context.createBuffer(count(op.outputShape()) * bytes));
    ClOp.Pool pool = op.pool();
    ClBuffer conv = pool == null ? out : own(context.createBuffer(g.outputElements() * bytes));
    Window w = g.window();
    if (kernels.fpga().isPresent()) {
      ClBuffer table = upload(DeviceLayout.reductionTable(g));
      ClBuffer weights = upload(DeviceLayout.rawWeights(operands));
      ClKernel kernel = own(kernels.kernel("conv_array"));
      args(kernel, g.inC(), g.inH(), g.inW(), g.groups(), g.outC(), g.outH(), g.outW(), w.sh(),
          w.sw(), w.ph(), w.pw(), g.k(), g.n(), g.m(), table, weights, channels, format, in,
          scratch, conv);
      Launch array = new Launch(op.name() + " conv_array", kernel, SINGLE, SINGLE);
      return new Step(op, pool == null ? List.of(array) : List.of(array, pool(pool, conv, out)),
          out);
    }
    ClBuffer weights = upload(DeviceLayout.weights(operands, g));
    boolean os = config.dataflow() == Dataflow.OS;
    int panels = DeviceLayout.panels(g);
    if (fused(op)) {
      Window pw = pool == null ? IDENTITY : pool.geometry().window();
      int[] shape = op.outputShape();
      ClBuffer poolFormat =
          upload(DeviceLayout.poolParameters(config, pool == null ? 0 : pool.zeroPoint()));
      ClBuffer table = upload(DeviceLayout.reductionTable(g));
      ClKernel kernel = own(kernels.kernel("conv_fused"));
      args(kernel, g.inC(), g.inH(), g.inW(), g.groups(), g.outC(), g.outH(), g.outW(),
          w.sh(), w.sw(), w.ph(), w.pw(), g.k(), g.n(), panels, os ? g.k() : config.rows(),
          os ? 1 : 0, kind(pool), pw.kh(), pw.kw(), pw.sh(), pw.sw(), pw.ph(), pw.pw(),
          pool != null && pool.countIncludePad() ? 1 : 0, shape[2], shape[3],
          table, weights, channels, format, poolFormat, in, out);
      long[] global = {
        roundUp((long) shape[2] * shape[3], DeviceLayout.WG), panels, (long) g.batch() * g.groups()
      };
      return new Step(op, List.of(launch(op.name() + " conv_fused", kernel, global)), out);
    }
    List<Launch> launches = new ArrayList<>();
    int hp = g.paddedH();
    int wp = g.paddedW();
    ClBuffer padded = in;
    if (DeviceLayout.packs(g, kernels.family())) {
      int rows = g.batch() * g.inC() * hp;
      ClKernel pack = own(kernels.kernel("pack"));
      args(pack, rows, g.inH(), g.inW(), hp, wp, w.ph(), w.pw(), format, in, scratch);
      launches.add(
          launch(op.name() + " pack", pack, new long[] {roundUp(rows, DeviceLayout.WG), 1, 1}));
      padded = scratch;
    }
    int tiles = DeviceLayout.tiles(g);
    int perItem = tilesPerItem.applyAsInt(g);
    if (perItem < 1 || perItem > DeviceLayout.TT) {
      throw new IllegalArgumentException(
          "step '" + op.name() + "': " + perItem + " register tiles per work-item; the kernels"
              + " hold 1 to " + DeviceLayout.TT);
    }
    ClBuffer positions = upload(DeviceLayout.positionTable(g));
    ClBuffer offsets = upload(DeviceLayout.reductionOffsets(g));
    String base = os ? "conv_os" : "conv_ws";
    ClKernel kernel =
        own(kernels.kernel(base + (DeviceLayout.saturating(config) ? "_v1" : "")));
    args(kernel, g.m(), g.k(), g.n(), tiles, perItem, panels, config.rows(), g.outC(),
        g.outH() * g.outW(), g.inC() / g.groups() * hp * wp, positions, offsets, padded, weights,
        channels, format, conv);
    long items = (tiles + perItem - 1) / perItem;
    launches.add(launch(op.name() + " " + base, kernel,
        new long[] {roundUp(items, DeviceLayout.WG), panels, g.groups()}));
    if (pool != null) {
      launches.add(pool(pool, conv, out));
    }
    return new Step(op, launches, out);
  }

  private Launch pool(ClOp.Pool op, ClBuffer in, ClBuffer out) {
    ImplicitGemm p = op.geometry();
    Window w = p.window();
    ClBuffer format = upload(DeviceLayout.poolParameters(config, op.zeroPoint()));
    if (kernels.fpga().isPresent()) {
      int line = kernels.fpga().get().line();
      int need = (w.kh() - 1) * (p.inW() + 2 * w.pw()) + w.kw();
      if (need > line) {
        throw new IllegalArgumentException(
            "pooling '" + op.name() + "' needs a line buffer of " + need + " elements; the FPGA"
                + " kernels have " + line + " (build them with a longer line)");
      }
      ClKernel kernel = own(kernels.kernel("pool_line"));
      args(kernel, p.batch() * p.inC(), p.inH(), p.inW(), p.outH(), p.outW(), kind(op), w.kh(),
          w.kw(), w.sh(), w.sw(), w.ph(), w.pw(), op.countIncludePad() ? 1 : 0, format, in, out);
      return new Launch(op.name() + " pool_line", kernel, SINGLE, SINGLE);
    }
    ClKernel kernel = own(kernels.kernel("pool"));
    int n = Math.toIntExact(p.outputElements());
    args(kernel, n, p.inH(), p.inW(), p.outH(), p.outW(), kind(op), w.kh(), w.kw(), w.sh(),
        w.sw(), w.ph(), w.pw(), op.countIncludePad() ? 1 : 0, format, in, out);
    return new Launch(op.name() + " pool", kernel, new long[] {roundUp(n, POOL_GROUP)},
        new long[] {POOL_GROUP});
  }

  /** A launch in work-groups of (WG, 1, 1), one work-group size per kernel for every layer. */
  private static Launch launch(String label, ClKernel kernel, long[] global) {
    return new Launch(label, kernel, global, new long[] {DeviceLayout.WG, 1, 1});
  }

  private static long roundUp(long n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
  }

  private static int kind(ClOp.Pool pool) {
    return pool == null ? POOL_NONE : pool.average() ? POOL_AVG : POOL_MAX;
  }

  /** Sets a kernel's arguments in order: Integers as {@code int}, ClBuffers as buffers. */
  private static void args(ClKernel kernel, Object... values) {
    for (int i = 0; i < values.length; i++) {
      switch (values[i]) {
        case Integer v -> kernel.setInt(i, v);
        case ClBuffer b -> kernel.setBuffer(i, b);
        default -> throw new IllegalArgumentException("argument " + i + ": " + values[i]);
      }
    }
  }

  private ClBuffer upload(Object array) {
    return own(DeviceLayout.upload(context, queue, array));
  }

  private <T extends AutoCloseable> T own(T resource) {
    owned.add(resource);
    return resource;
  }

  private List<Tensor> execute(Tensor x, boolean every) {
    DType type = ArrayLayer.activationType(config.format());
    if (x.dtype() != type || x.size() != inputElements) {
      throw new IllegalArgumentException(
          "stage '" + steps.getFirst().op().name() + "' expects a " + type + " input of "
              + inputElements + " elements, got " + x.dtype() + " " + Arrays.toString(x.shape()));
    }
    List<ClEvent> events = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    try {
      events.add(
          switch (x.dtype()) {
            case F32 -> input.writeTimed(queue, x.floats());
            case I8 -> input.writeTimed(queue, x.bytes());
            case I32 -> input.writeTimed(queue, x.ints());
          });
      labels.add("input");
      for (Step step : steps) {
        for (Launch launch : step.launches()) {
          events.add(queue.enqueueTimed(launch.kernel(), launch.global(), launch.local()));
          labels.add(launch.label());
        }
      }
      List<Tensor> outputs = new ArrayList<>();
      for (Step step : every ? steps : List.of(steps.getLast())) {
        int[] shape = step.op().outputShape();
        int n = Math.toIntExact(count(shape));
        ClBuffer b = step.output();
        outputs.add(
            switch (type) {
              case F32 -> {
                float[] a = new float[n];
                events.add(b.readTimed(queue, a));
                yield Tensor.of(a, shape);
              }
              case I8 -> {
                byte[] a = new byte[n];
                events.add(b.readTimed(queue, a));
                yield Tensor.of(a, shape);
              }
              case I32 -> {
                int[] a = new int[n];
                events.add(b.readTimed(queue, a));
                yield Tensor.of(a, shape);
              }
            });
        labels.add(every && step != steps.getLast() ? step.op().name() + " read" : "output");
      }
      for (int i = 0; i < events.size(); i++) {
        timings.add(labels.get(i), events.get(i));
      }
      return outputs;
    } finally {
      events.forEach(ClEvent::close);
    }
  }

  private static long count(int[] shape) {
    return Tensor.count(shape);
  }

  /** Releases every kernel and buffer, then the queue. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable resource : owned.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("releasing OpenCL resources failed: " + e, e);
        }
      }
    }
    owned.clear();
    queue.close();
    if (failure != null) {
      throw failure;
    }
  }
}
