package io.systole.backend.tornado;

import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * Consecutive steps (convolution or dense layer with bias and fused ReLU, pooling) in the array's
 * number format as one TornadoVM task graph: the input goes in on every run, weights, biases and
 * tables once ({@code FIRST_EXECUTION}), intermediates stay on the device and only the last
 * step's output comes back. Activations are float32, int8 or raw fixed-point int32 values as the
 * format says ({@link ArrayLayer#activationType}). One chain serves one batch size and one set of
 * layer shapes. The OpenCL build drops TornadoVM's default
 * {@code -cl-mad-enable -cl-fast-relaxed-math}, so every float add, fma and division is the IEEE
 * one.
 */
public final class TaskChain implements AutoCloseable {
    /** The OpenCL build options: no contraction into mad, no relaxed math. */
    public static final String EXACT_FLAGS = "-w";

    /** Which convolution kernel a chain uses. */
    public enum Kernel {
        /** The weight-stationary kernels: packed inputs, filter slices in local memory. */
        SHARED_WEIGHT,
        /** The {@code @Parallel} twins: one output per iteration, weights from global memory. */
        REFERENCE
    }

    /** One step of a chain. */
    public sealed interface Step {
        String name();

        /** The output's shape for the chain's batch. */
        int[] outputShape();
    }

    /**
     * A convolution or dense layer (a 1x1 convolution of a 1x1 image) over (batch, inC, inH, inW)
     * with its operands in the chain's format. {@code relu} is the fused ReLU: a float32 step's
     * own, the operands' folded one otherwise.
     */
    public record Conv(String name, ImplicitGemm gemm, Operands operands, boolean relu) implements Step {
        public Conv {
            new ArrayLayer(gemm, operands);
            boolean folded = switch (operands) {
                case Operands.F32Layer f -> relu;
                case Operands.Int8Layer q -> q.relu();
                case Operands.FixedLayer q -> q.relu();
            };
            if (folded != relu) {
                throw new IllegalArgumentException("step '" + name + "': ReLU " + relu + ", but its operands fold "
                        + (folded ? "one" : "none"));
            }
        }

        @Override
        public int[] outputShape() {
            return new int[] {gemm.batch(), gemm.outC(), gemm.outH(), gemm.outW()};
        }
    }

    /**
     * Max or average pooling of (batch, channels, h, w); {@code zeroPoint} is an int8 input's
     * (padding holds it), 0 otherwise.
     */
    public record Pool(String name, int batch, int channels, int h, int w, Window window, boolean average,
            boolean countIncludePad, int zeroPoint) implements Step {
        @Override
        public int[] outputShape() {
            return new int[] {batch, channels, window.outH(name, h), window.outW(name, w)};
        }
    }

    /** Time of one run in seconds, from TornadoVM's profiler. */
    public record Times(double kernelSeconds, double transferSeconds) {
    }

    private final DType type;
    private final TornadoNativeArray input;
    private final List<TornadoNativeArray> outputs;
    private final List<int[]> shapes;
    private final TornadoExecutionPlan plan;

    private TaskChain(DType type, TornadoNativeArray input, List<TornadoNativeArray> outputs, List<int[]> shapes,
            TornadoExecutionPlan plan) {
        this.type = type;
        this.input = input;
        this.outputs = outputs;
        this.shapes = shapes;
        this.plan = plan;
    }

    /**
     * Builds the chain's task graph for {@code inputSize} input elements in the format of
     * {@code cfg} on {@code device} (null for TornadoVM's default device); kernels compile on the
     * first run. With {@code everyStep} every step's output comes back to the host after each run,
     * else only the last one's.
     *
     * @throws IllegalArgumentException naming a step whose operands do not suit the format
     */
    public static TaskChain create(List<Step> steps, int inputSize, ArrayConfig cfg, Kernel kernel,
            TornadoDevice device, boolean everyStep) {
        TaskGraph tg = new TaskGraph(Tasks.GRAPH);
        GridScheduler grid = new GridScheduler();
        Tasks tasks = new Tasks(tg, grid, cfg, kernel);
        DType type = ArrayLayer.activationType(cfg.format());
        TornadoNativeArray in = activations(type, inputSize);
        tg.transferToDevice(DataTransferMode.EVERY_EXECUTION, in);
        TornadoNativeArray cur = in;
        List<TornadoNativeArray> outs = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            TornadoNativeArray out = activations(type, Math.toIntExact(Tensor.count(step.outputShape())));
            switch (step) {
                case Conv c -> tasks.conv("s" + i, c, cur, out);
                case Pool p -> tasks.pool("s" + i, p, cur, out);
            }
            cur = out;
            outs.add(out);
        }
        List<TornadoNativeArray> back = everyStep ? outs : List.of(cur);
        back.forEach(a -> tg.transferToHost(DataTransferMode.EVERY_EXECUTION, a));
        TornadoExecutionPlan plan = new TornadoExecutionPlan(tg.snapshot());
        plan.withGridScheduler(grid);
        if (device != null) {
            plan.withDevice(device);
        }
        plan.withCompilerFlags(TornadoVMBackendType.OPENCL, EXACT_FLAGS).withProfiler(ProfilerMode.SILENT);
        List<int[]> shapes = (everyStep ? steps : List.of(steps.getLast())).stream().map(Step::outputShape).toList();
        return new TaskChain(type, in, back, shapes, plan);
    }

    /** A device array of {@code size} activations of {@code type}. */
    private static TornadoNativeArray activations(DType type, int size) {
        return switch (type) {
            case F32 -> new FloatArray(size);
            case I8 -> new ByteArray(size);
            case I32 -> new IntArray(size);
        };
    }

    /** Runs the chain on {@code x}; returns the last step's output. */
    public Tensor run(Tensor x) {
        runTimed(x);
        return outputs().getLast();
    }

    /**
     * Runs the chain on {@code x} (the chain's input size and activation type); the outputs are
     * then {@link #outputs()}.
     */
    public Times runTimed(Tensor x) {
        if (x.size() != input.getSize() || x.dtype() != type) {
            throw new IllegalArgumentException("chain input: expected " + input.getSize() + " " + type
                    + " values, got " + x.size() + " " + x.dtype() + " " + Arrays.toString(x.shape()));
        }
        MemorySegment to = input.getSegment();
        switch (type) {
            case F32 -> MemorySegment.copy(x.floats(), 0, to, ValueLayout.JAVA_FLOAT, 0, x.size());
            case I8 -> MemorySegment.copy(x.bytes(), 0, to, ValueLayout.JAVA_BYTE, 0, x.size());
            case I32 -> MemorySegment.copy(x.ints(), 0, to, ValueLayout.JAVA_INT, 0, x.size());
        }
        TornadoExecutionResult r = plan.execute();
        var p = r.getProfilerResult();
        return new Times(p.getDeviceKernelTime() / 1e9, (p.getDeviceWriteTime() + p.getDeviceReadTime()) / 1e9);
    }

    /** The last run's outputs that came back (every step's, or the last step's), in their step's shape. */
    public List<Tensor> outputs() {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            TornadoNativeArray a = outputs.get(i);
            out.add(switch (type) {
                case F32 -> Tensor.of(((FloatArray) a).toHeapArray(), shapes.get(i));
                case I8 -> Tensor.of(((ByteArray) a).toHeapArray(), shapes.get(i));
                case I32 -> Tensor.of(((IntArray) a).toHeapArray(), shapes.get(i));
            });
        }
        return out;
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
