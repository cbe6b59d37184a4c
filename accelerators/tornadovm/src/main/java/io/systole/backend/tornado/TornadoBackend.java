package io.systole.backend.tornado;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.NumberFormat;
import io.systole.backend.Backend;
import io.systole.backend.MeasuredAccelerator;
import io.systole.backend.Stage;
import io.systole.backend.TornadoDevices;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Layer;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.partition.MeasuredCost;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.quant.QuantizedNetwork;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * A TornadoVM device as a {@link Backend}: a stage becomes one {@link TaskChain} (one task graph,
 * weights sent once, intermediates kept on the device), cached per stage and batch. Float stages
 * run in float32 in the fold order of the array; a stage of a {@link QuantizedNetwork} runs in its
 * int8 or fixed-point values ({@link #run(QuantizedNetwork, Stage, Tensor, Set)}). Times come from
 * TornadoVM's profiler: a run's kernel time goes to the stage's first node, its transfer time to
 * the last.
 */
public final class TornadoBackend implements MeasuredAccelerator {
    private final int index;
    private final TornadoDevice device;
    private final ArrayConfig cfg;
    private final Map<Chain, TaskChain> chains = new HashMap<>();
    private final MeasuredCost cost;

    /**
     * Device {@code index} of {@code vm} for arrays of {@code cfg} (its size and dataflow give the
     * order; its format is a quantized stage's); measures its float32 throughput, launch time and
     * link bandwidth once.
     */
    public TornadoBackend(TornadoVm vm, int index, ArrayConfig cfg) {
        this.index = index;
        this.device = vm.devices().get(index);
        this.cfg = cfg;
        double[] m = measure();
        this.cost = new MeasuredCost(m[0], m[2], m[1]);
    }

    /** The devices of {@link TornadoVm#discover()}, or why there are none. */
    public static TornadoDevices.Listing devices() {
        TornadoVm vm = TornadoVm.discover();
        if (!vm.isAvailable()) {
            return new TornadoDevices.Listing(List.of(), vm.reason());
        }
        List<TornadoDevices.Device> out = new ArrayList<>();
        for (int i = 0; i < vm.devices().size(); i++) {
            TornadoDevice d = vm.devices().get(i);
            out.add(new TornadoDevices.Device(TornadoVm.id(i), d.getDeviceType().name(),
                    d.getPhysicalDevice().getDeviceName(), d.getPlatformName(), d.getDeviceName(),
                    d.getMaxGlobalMemory(), d.getDeviceLocalMemorySize()));
        }
        return new TornadoDevices.Listing(out, "");
    }

    /**
     * The backend of device {@code spec} ({@code tornado:N}).
     *
     * @throws ModelException naming the device and why it is not available
     */
    public static TornadoBackend open(String spec, ArrayConfig cfg) {
        TornadoVm vm = TornadoVm.discover();
        if (!vm.isAvailable()) {
            throw new ModelException("device '" + spec + "' is not available: " + vm.reason());
        }
        for (int i = 0; i < vm.devices().size(); i++) {
            if (TornadoVm.id(i).equals(spec)) {
                return new TornadoBackend(vm, i, cfg);
            }
        }
        throw new ModelException("no TornadoVM device '" + spec + "'; found: " + String.join(", ", vm.listing()));
    }

    @Override
    public String id() {
        return TornadoVm.id(index);
    }

    @Override
    public MeasuredCost cost() {
        return cost;
    }

    @Override
    public String description() {
        return device.getDescription() + ", " + device.getPlatformName() + " (TornadoVM " + device.getDeviceName() + ")";
    }

    @Override
    public boolean supports(Layer layer) {
        return layer instanceof Conv2d || layer instanceof Dense || layer instanceof Pool2d || layer instanceof ReLU
                || layer instanceof Flatten;
    }

    /**
     * float32, int8 and fixed point; fixed point only in the array's own format, since a stage's
     * kernels take one data format and convert nothing between steps.
     */
    @Override
    public boolean computes(NumberFormat format) {
        return !(format instanceof FixedFormat) || format.equals(cfg.format());
    }

    /**
     * Runs a float stage in float32 in the fold order of the array, or a quantized stage in its
     * network's encodings.
     */
    @Override
    public StageResult run(Stage stage, Tensor input, Set<String> wanted) {
        if (stage.quantized() != null) {
            return run(stage.quantized(), stage, input, wanted);
        }
        int batch = input.dim(0);
        return run(null, stage, input, wanted, f32(cfg), Steps.of(stage.network(), batch));
    }

    /**
     * Runs a stage of {@code q}'s network (node names kept) in its quantized values: the input in
     * the encoding of the tensor the stage reads, the outputs in their nodes' encodings
     * ({@link QuantizedNetwork#activation}), equal to {@link io.systole.quant.QuantizedSimulator}'s.
     *
     * @throws IllegalArgumentException when the backend's array cannot run {@code q}, or naming a
     *     node the kernels cannot run
     */
    public StageResult run(QuantizedNetwork q, Stage stage, Tensor input, Set<String> wanted) {
        Steps.Quantized s = Steps.of(q, stage.network(), cfg, input.dim(0));
        return run(q, stage, input, wanted, s.config(), s.steps());
    }

    /**
     * What a chain is built for: a stage (by name) of a float network or of quantized network
     * {@code q} (by identity), a batch, a format, all outputs or the last.
     */
    private record Chain(QuantizedNetwork q, String stage, int batch, String format, boolean every) {
    }

    /** The chain of {@code steps} on {@code array}, built once per {@link Chain}, run on input. */
    private StageResult run(QuantizedNetwork q, Stage stage, Tensor input, Set<String> wanted, ArrayConfig array,
            List<TaskChain.Step> steps) {
        int batch = input.dim(0);
        boolean every = stage.nodes().stream().anyMatch(n -> wanted.contains(n.name())
                && n != stage.nodes().getLast());
        Chain key = new Chain(q, stage.network().name(), batch, array.format().name(), every);
        TaskChain chain = chains.computeIfAbsent(key, k -> TaskChain.create(steps, input.size(), array,
                TaskChain.Kernel.SHARED_WEIGHT, device, every));
        TaskChain.Times t = chain.runTimed(input);
        List<Tensor> outs = chain.outputs();
        Map<String, Tensor> result = new LinkedHashMap<>();
        List<TaskChain.Step> back = every ? steps : List.of(steps.getLast());
        for (int i = 0; i < back.size(); i++) {
            String last = lastNode(back.get(i).name());
            result.put(last, outs.get(i).reshape(stage.network().node(last).output().batched(batch)));
        }
        for (Network.Node n : stage.nodes()) {
            if (n.layer() instanceof Flatten && (wanted.contains(n.name()) || n == stage.nodes().getLast())) {
                String from = n.inputs().getFirst();
                Tensor src = from.equals(Network.INPUT) ? input : result.get(from);
                if (src != null) {
                    result.put(n.name(), src.reshape(n.output().batched(batch)));
                }
            }
        }
        List<NodeTiming> timings = new ArrayList<>();
        List<Network.Node> nodes = stage.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            timings.add(new NodeTiming(nodes.get(i).name(), i == 0 ? t.kernelSeconds() : 0,
                    i == nodes.size() - 1 ? t.transferSeconds() : 0, 0));
        }
        return new StageResult(result, timings);
    }

    /** The array with the float32 format, for float stages. */
    private static ArrayConfig f32(ArrayConfig cfg) {
        return cfg.format() instanceof F32 ? cfg : cfg.withFormat(F32.INSTANCE);
    }

    private static String lastNode(String step) {
        return step.substring(step.lastIndexOf('+') + 1);
    }

    /** {flops, launch seconds, link bytes per second} from a 32 -> 32 3x3 convolution (28x28, batch 4). */
    private double[] measure() {
        ImplicitGemm g = new ImplicitGemm("calibration", 4, 32, 28, 28, 32, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1));
        var op = new Operands.F32Layer(new float[g.outC() * g.k()], null);
        Tensor x = Tensor.zeros(DType.F32, g.batch(), g.inC(), g.inH(), g.inW());
        double best = Double.MAX_VALUE;
        double transfer = Double.MAX_VALUE;
        try (TaskChain c = TaskChain.create(List.of(new TaskChain.Conv("calibration", g, op, false)), x.size(),
                f32(cfg), TaskChain.Kernel.SHARED_WEIGHT, device, false)) {
            for (int i = 0; i < 4; i++) {
                TaskChain.Times t = c.runTimed(x);
                best = Math.min(best, Math.max(t.kernelSeconds(), 1e-9));
                transfer = Math.min(transfer, Math.max(t.transferSeconds(), 1e-9));
            }
        }
        double launch = Double.MAX_VALUE;
        Shape tiny = Shape.chw(1, 2, 2);
        try (TaskChain c = TaskChain.create(List.of(new TaskChain.Pool("launch", 1, tiny.c(), tiny.h(), tiny.w(),
                new Window(2, 2, 2, 2, 0, 0, 1, 1), false, false, 0)), 4, f32(cfg), TaskChain.Kernel.SHARED_WEIGHT,
                device, false)) {
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                c.runTimed(Tensor.zeros(DType.F32, 1, tiny.c(), tiny.h(), tiny.w()));
                launch = Math.min(launch, (System.nanoTime() - t0) / 1e9);
            }
        }
        double bytes = 4.0 * (x.size() + g.outputElements());
        return new double[] {2.0 * g.macs() / best, launch, bytes / transfer};
    }

    @Override
    public void close() {
        chains.values().forEach(TaskChain::close);
    }
}
