package io.systole.backend.tornado;

import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Consecutive float32 steps (convolution with bias and fused ReLU, pooling) as one TornadoVM task
 * graph: the input goes in on every run, weights, biases and shape tables once
 * ({@code FIRST_EXECUTION}), intermediates stay on the device and only the last step's output
 * comes back. One chain serves one batch size and one set of layer shapes (TornadoVM
 * specialises the kernels to them). The OpenCL build drops TornadoVM's default
 * {@code -cl-mad-enable -cl-fast-relaxed-math}, so every add, fma and division is the IEEE one.
 */
public final class TaskChain implements AutoCloseable {
    /** Work-items per work-group of the weight-stationary kernel: positions sharing one slice. */
    public static final int GROUP = 64;
    /** The OpenCL build options: no contraction into mad, no relaxed math. */
    public static final String EXACT_FLAGS = "-w";

    /** Which convolution kernel a chain uses. */
    public enum Kernel {
        /** {@link ConvKernels#convWs}: filter slices in local memory, shared by a work-group. */
        SHARED_WEIGHT,
        /** {@link ConvKernels#convReference}: two parallel loops, weights from global memory. */
        REFERENCE
    }

    /** One step of a chain. */
    public sealed interface Step {
        String name();

        /** Output elements for the chain's batch. */
        int outputSize();
    }

    /** A convolution of groups 1 over (batch, inC, inH, inW) with its bias and optional ReLU. */
    public record Conv(String name, ImplicitGemm gemm, Operands.F32Layer operands, boolean relu) implements Step {
        @Override
        public int outputSize() {
            return gemm.m() * gemm.outC();
        }
    }

    /** Max or average pooling of (batch, channels, h, w). */
    public record Pool(String name, int batch, int channels, int h, int w, Window window, boolean average,
            boolean countIncludePad) implements Step {
        @Override
        public int outputSize() {
            return batch * channels * window.outH(name, h) * window.outW(name, w);
        }
    }

    /** Time of one run in seconds, from TornadoVM's profiler. */
    public record Times(double kernelSeconds, double transferSeconds) {
    }

    private final FloatArray input;
    private final List<FloatArray> outputs;
    private final TornadoExecutionPlan plan;

    private TaskChain(FloatArray input, List<FloatArray> outputs, TornadoExecutionPlan plan) {
        this.input = input;
        this.outputs = outputs;
        this.plan = plan;
    }

    /**
     * Builds the chain's task graph for {@code inputSize} input elements on {@code device} (null
     * for TornadoVM's default device); kernels compile on the first run. With {@code everyStep}
     * every step's output comes back to the host after each run, else only the last one's.
     */
    public static TaskChain create(List<Step> steps, int inputSize, ArrayConfig cfg, Kernel kernel,
            TornadoDevice device, boolean everyStep) {
        TaskGraph tg = new TaskGraph("systole");
        GridScheduler grid = new GridScheduler();
        FloatArray in = new FloatArray(inputSize);
        tg.transferToDevice(DataTransferMode.EVERY_EXECUTION, in);
        FloatArray cur = in;
        List<FloatArray> outs = new ArrayList<>();
        KernelContext ctx = new KernelContext();
        for (int i = 0; i < steps.size(); i++) {
            String task = "s" + i;
            FloatArray out = new FloatArray(steps.get(i).outputSize());
            switch (steps.get(i)) {
                case Conv c -> {
                    var geo = Geometry.conv(c.gemm(), cfg, c.relu());
                    FloatArray w = FloatArray.fromArray(c.operands().weight());
                    FloatArray bias = c.operands().bias() == null ? new FloatArray(c.gemm().outC())
                            : FloatArray.fromArray(c.operands().bias());
                    if (c.operands().bias() == null) {
                        bias.init(0.0f);
                    }
                    tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, geo, w, bias);
                    if (kernel == Kernel.SHARED_WEIGHT) {
                        tg.task(task, ConvKernels::convWs, ctx, geo, cur, w, bias, out);
                        int m = c.gemm().m();
                        WorkerGrid2D wg = new WorkerGrid2D((m + GROUP - 1) / GROUP * GROUP,
                                (c.gemm().outC() + ConvKernels.NR - 1) / ConvKernels.NR);
                        wg.setLocalWork(GROUP, 1, 1);
                        grid.addWorkerGrid("systole." + task, wg);
                    } else {
                        tg.task(task, ConvKernels::convReference, geo, cur, w, bias, out);
                    }
                }
                case Pool p -> {
                    var geo = Geometry.pool(p.batch(), p.channels(), p.h(), p.w(), p.window(), p.average(),
                            p.countIncludePad());
                    tg.transferToDevice(DataTransferMode.FIRST_EXECUTION, geo);
                    tg.task(task, PoolKernels::pool, geo, cur, out);
                }
            }
            cur = out;
            outs.add(out);
        }
        List<FloatArray> back = everyStep ? outs : List.of(cur);
        back.forEach(a -> tg.transferToHost(DataTransferMode.EVERY_EXECUTION, a));
        TornadoExecutionPlan plan = new TornadoExecutionPlan(tg.snapshot());
        if (kernel == Kernel.SHARED_WEIGHT && steps.stream().anyMatch(s -> s instanceof Conv)) {
            plan.withGridScheduler(grid);
        }
        if (device != null) {
            plan.withDevice(device);
        }
        plan.withCompilerFlags(TornadoVMBackendType.OPENCL, EXACT_FLAGS).withProfiler(ProfilerMode.SILENT);
        return new TaskChain(in, back, plan);
    }

    /** Runs the chain on {@code x} (the chain's input size); returns the last step's output. */
    public float[] run(float[] x) {
        runTimed(x);
        return outputs.getLast().toHeapArray();
    }

    /** Runs the chain on {@code x}; the outputs are then {@link #outputs()}. */
    public Times runTimed(float[] x) {
        if (x.length != input.getSize()) {
            throw new IllegalArgumentException("chain input: expected " + input.getSize() + " values, got "
                    + x.length);
        }
        MemorySegment.copy(x, 0, input.getSegment(), ValueLayout.JAVA_FLOAT, 0, x.length);
        TornadoExecutionResult r = plan.execute();
        var p = r.getProfilerResult();
        return new Times(p.getDeviceKernelTime() / 1e9, (p.getDeviceWriteTime() + p.getDeviceReadTime()) / 1e9);
    }

    /** The last run's outputs that came back: every step's, or the last step's. */
    public List<float[]> outputs() {
        return outputs.stream().map(FloatArray::toHeapArray).toList();
    }

    @Override
    public void close() {
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("TornadoVM could not release an execution plan: " + e.getMessage(), e);
        }
    }
}
