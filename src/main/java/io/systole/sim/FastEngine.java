package io.systole.sim;

import io.systole.arith.Int8Format;
import io.systole.arith.OverflowCounter;
import io.systole.tensor.Tensor;
import java.util.stream.IntStream;

/**
 * The fast engine for whole networks: output values from vectorized, multithreaded kernels that
 * keep every output's accumulation order, and statistics from the closed-form models
 * ({@link Timing}).
 *
 * <ul>
 *   <li>float32: {@link VectorKernels#f32}, lanes across output channels; each lane runs its
 *       output's own chain of fused multiply-adds, fold by fold, exactly as the array's column
 *       does.</li>
 *   <li>int8: {@link VectorKernels#int8} when no partial sum can leave the accumulator's range
 *       (K * max|x - zp| * max|w| &lt;= accumulator maximum, checked per layer): every step is
 *       then an exact integer add and any order gives the same sum.</li>
 *   <li>otherwise (fixed point, int8 layers that might overflow): the per-output loops of
 *       {@link OrderedReference}, spread over the cores.</li>
 * </ul>
 * Setting the system property {@value #SCALAR_PROPERTY} to {@code true} (or constructing with
 * {@code scalar = true}) always takes the last path: the slow twin one flag away.
 */
public final class FastEngine implements Engine {
    /** System property choosing the scalar path for every layer. */
    public static final String SCALAR_PROPERTY = "systole.sim.scalar";
    /** Output positions per parallel task. */
    private static final int BLOCK = 64;

    private final boolean scalar;
    private final boolean timed;

    /** The engine, scalar if {@value #SCALAR_PROPERTY} says so. */
    public FastEngine() {
        this(Boolean.getBoolean(SCALAR_PROPERTY));
    }

    public FastEngine(boolean scalar) {
        this(scalar, true);
    }

    private FastEngine(boolean scalar, boolean timed) {
        this.scalar = scalar;
        this.timed = timed;
    }

    /**
     * The same values without running the cycle and memory models, for a device that reports its
     * own time: statistics hold only MACs and overflow counts ({@link LayerStats#untimed}).
     */
    public static FastEngine valuesOnly() {
        return new FastEngine(Boolean.getBoolean(SCALAR_PROPERTY), false);
    }

    @Override
    public LayerResult run(ArrayLayer layer, Tensor input, ArrayConfig cfg) {
        OrderedReference ref = new OrderedReference(layer, input, cfg);
        ImplicitGemm g = layer.gemm();
        OverflowCounter counter = new OverflowCounter();
        boolean os = cfg.dataflow() == Dataflow.OS;
        int fold = ComputeModel.of(cfg).foldLength(g);
        switch (layer.operands()) {
            case Operands.F32Layer op when !scalar ->
                    VectorKernels.f32(g, op, input.floats(), ref.output().floats(), fold, os);
            case Operands.Int8Layer op when !scalar && VectorKernels.int8Exact(g, op, input.bytes(),
                    (Int8Format) cfg.format()) ->
                    VectorKernels.int8(g, op, input.bytes(), ref.output().bytes(), (Int8Format) cfg.format(), counter);
            default -> perOutput(ref, g, counter);
        }
        LayerStats stats = (timed ? Timing.gemm(g, cfg) : LayerStats.untimed(g.name(), g.macs()))
                .withOverflows(counter.overflows(), counter.saturations());
        return new LayerResult(ref.output(), stats);
    }

    /** The reference's loops over blocks of positions, in parallel; counters merged at the end. */
    private static void perOutput(OrderedReference ref, ImplicitGemm g, OverflowCounter counter) {
        int blocks = (g.m() + BLOCK - 1) / BLOCK;
        OverflowCounter[] counters = new OverflowCounter[g.groups() * blocks];
        IntStream.range(0, counters.length).parallel().forEach(t -> {
            int grp = t / blocks;
            int m0 = t % blocks * BLOCK;
            counters[t] = new OverflowCounter();
            ref.compute(grp, m0, Math.min(g.m(), m0 + BLOCK), counters[t]);
        });
        for (OverflowCounter c : counters) {
            counter.merge(c);
        }
    }
}
