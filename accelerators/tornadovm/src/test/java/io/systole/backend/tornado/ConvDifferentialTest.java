package io.systole.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Float32Order;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.model.Window;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Dataflow;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.sim.PoolingUnit;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TornadoVM kernels against the simulator, bit for bit, in float32, int8 and fixed point:
 * awkward random layers (grouped ones included), LeNet-5's and AlexNet's layers, weight- and
 * output-stationary arrays of several sizes, both convolution kernels, pooling alone and chained
 * after a convolution in one task graph.
 */
class ConvDifferentialTest {

    /**
     * 9x9 inputs, 5 -> 7 channels, stride 2, padding, dilation, batch 3, a dense layer, K > KT,
     * grouped and depthwise convolutions, LeNet-5's convolutions.
     */
    static List<ImplicitGemm> layers() {
        return List.of(
                new ImplicitGemm("conv5to7", 1, 5, 9, 9, 7, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                new ImplicitGemm("stride2", 3, 3, 9, 9, 7, 1, new Window(3, 3, 2, 2, 1, 1, 1, 1)),
                new ImplicitGemm("dilated", 1, 4, 9, 9, 5, 1, new Window(2, 3, 1, 2, 2, 1, 2, 2)),
                new ImplicitGemm("dense", 3, 19, 1, 1, 17, 1, new Window(1, 1, 1, 1, 0, 0, 1, 1)),
                new ImplicitGemm("long", 1, 31, 5, 6, 11, 1, new Window(3, 3, 1, 1, 0, 1, 1, 1)),
                new ImplicitGemm("grouped", 2, 6, 7, 9, 15, 3, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                new ImplicitGemm("depthwise", 1, 5, 9, 9, 10, 5, new Window(3, 3, 2, 2, 1, 1, 1, 1)),
                new ImplicitGemm("lenet.c1", 2, 1, 32, 32, 6, 1, new Window(5, 5, 1, 1, 0, 0, 1, 1)),
                new ImplicitGemm("lenet.c3", 2, 6, 14, 14, 16, 1, new Window(5, 5, 1, 1, 0, 0, 1, 1)),
                new ImplicitGemm("lenet.c5", 2, 16, 5, 5, 120, 1, new Window(5, 5, 1, 1, 0, 0, 1, 1)));
    }

    /**
     * The quantized formats: int8 with a wrapping, a saturating narrow and a float-scale
     * accumulator; fixed point rounding to even and saturating, rounding half up into a
     * symmetric saturation with a narrow wrapping accumulator, and one with negative integer bits.
     */
    static List<ArrayConfig> quantized(Dataflow d, int size) {
        return List.of(
                config(d, size, Int8Format.DEFAULT, 32),
                config(d, size, Int8Format.parse("int8<16,SATURATE>"), 16),
                config(d, size, Int8Format.parse("int8<20,WRAP,FLOAT_SCALE>"), 20),
                config(d, size, FixedFormat.parse("fixed<16,6,RND_CONV,SAT>"), 48),
                config(d, size, FixedFormat.parse("fixed<12,3,RND,SAT_SYM>"), 24),
                config(d, size, FixedFormat.parse("fixed<8,-2,RND_INF,WRAP>"), 32));
    }

    static ArrayConfig config(Dataflow d, int size, NumberFormat f, int accBits) {
        ArrayConfig c = ArrayConfig.DEFAULT.withSize(size, size).withDataflow(d);
        return new ArrayConfig(c.name(), size, size, d, f, accBits, c.inputSramBytes(), c.weightSramBytes(),
                c.outputSramBytes(), c.dramBytesPerCycle(), c.clockMhz(), c.doubleBufferedWeights(), c.poolingLanes());
    }

    /** float32: every dataflow, three array sizes, every layer, both kernels. */
    static Stream<Arguments> floatCases() {
        List<Arguments> out = new ArrayList<>();
        long seed = 1;
        for (Dataflow d : Dataflow.values()) {
            for (int size : new int[] {1, 8, 16}) {
                for (ImplicitGemm g : layers()) {
                    for (TaskChain.Kernel k : TaskChain.Kernel.values()) {
                        out.add(Arguments.of(config(d, size, F32.INSTANCE, 32), g, k, seed++));
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * Quantized: every format, layer and kernel; dataflow and array size (3 or 16) turn with the
     * case, so that every format meets both dataflows and both sizes.
     */
    static Stream<Arguments> quantizedCases() {
        List<Arguments> out = new ArrayList<>();
        int n = 0;
        for (int f = 0; f < quantized(Dataflow.WS, 1).size(); f++) {
            for (ImplicitGemm g : layers()) {
                for (TaskChain.Kernel k : TaskChain.Kernel.values()) {
                    Dataflow d = Dataflow.values()[n % 2];
                    int size = n / 2 % 2 == 0 ? 3 : 16;
                    out.add(Arguments.of(quantized(d, size).get(f), g, k, 1000L + n++));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("floatCases")
    void floatConvolutionEqualsTheSimulator(ArrayConfig cfg, ImplicitGemm g, TaskChain.Kernel kernel, long seed) {
        convolutionEqualsTheSimulator(cfg, g, kernel, new SplittableRandom(seed));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("quantizedCases")
    void quantizedConvolutionEqualsTheSimulator(ArrayConfig cfg, ImplicitGemm g, TaskChain.Kernel kernel,
            long seed) {
        convolutionEqualsTheSimulator(cfg, g, kernel, new SplittableRandom(seed));
    }

    /** One layer with random operands, its ReLU fused one time in two. */
    private static void convolutionEqualsTheSimulator(ArrayConfig cfg, ImplicitGemm g, TaskChain.Kernel kernel,
            SplittableRandom random) {
        boolean relu = random.nextBoolean();
        Operands op = TornadoDifferential.operands(random, g, cfg.format(), accumulator(cfg), relu);
        Tensor x = TornadoDifferential.input(random, cfg.format(), g.batch(), g.inC(), g.inH(), g.inW());
        Tensor want = simulate(cfg, g, op, relu, x);
        try (TaskChain chain = TaskChain.create(List.of(new TaskChain.Conv(g.name(), g, op, relu)), x.size(), cfg,
                kernel, null, false)) {
            TornadoDifferential.assertSame(kernel + " " + cfg + " " + g.name(), want, chain.run(x));
        }
    }

    /** The fast engine's output of one layer, float32 with its ReLU applied after. */
    private static Tensor simulate(ArrayConfig cfg, ImplicitGemm g, Operands op, boolean relu, Tensor x) {
        Tensor y = new FastEngine().run(new ArrayLayer(g, op), x, cfg).output();
        if (!(op instanceof Operands.F32Layer) || !relu) {
            return y;
        }
        float[] v = y.floats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = Float32Order.relu(v[i]);
        }
        return Tensor.of(v, y.shape());
    }

    private static FixedFormat accumulator(ArrayConfig cfg) {
        return cfg.format() instanceof FixedFormat ? cfg.accumulatorFormat() : null;
    }

    static Stream<Arguments> alexNetCases() {
        return Stream.of(ArrayConfig.DEFAULT, config(Dataflow.WS, 16, Int8Format.DEFAULT, 32),
                config(Dataflow.OS, 8, FixedFormat.parse("fixed<16,6,RND_CONV,SAT>"), 40))
                .flatMap(c -> Stream.of(Arguments.of(c, "conv1"), Arguments.of(c, "conv2")));
    }

    /** AlexNet's first two convolutions (batch 1) through the weight-stationary kernel, in every format. */
    @ParameterizedTest(name = "alexnet {1} {0}")
    @MethodSource("alexNetCases")
    void alexNetEqualsTheSimulator(ArrayConfig cfg, String node) {
        Network net = Zoo.get("alexnet");
        Network.Node n = net.node(node);
        ImplicitGemm g = ImplicitGemm.of((Conv2d) n.layer(), net.shapeOf(n.inputs().getFirst()), 1);
        convolutionEqualsTheSimulator(cfg, g, TaskChain.Kernel.SHARED_WEIGHT, new SplittableRandom(node.hashCode()));
    }

    static Stream<Arguments> poolCases() {
        List<Arguments> out = new ArrayList<>();
        List<Window> windows = List.of(new Window(3, 3, 2, 2, 1, 1, 1, 1), new Window(2, 2, 2, 2, 0, 0, 1, 1),
                new Window(2, 2, 1, 1, 0, 0, 1, 1), new Window(3, 2, 2, 1, 1, 1, 1, 1));
        List<ArrayConfig> configs = new ArrayList<>(List.of(ArrayConfig.DEFAULT));
        configs.addAll(quantized(Dataflow.WS, 16));
        long seed = 2000;
        for (ArrayConfig cfg : configs) {
            for (Window w : windows) {
                out.add(Arguments.of(cfg, w, false, true, seed++));
                out.add(Arguments.of(cfg, w, true, true, seed++));
                out.add(Arguments.of(cfg, w, true, false, seed++));
            }
        }
        return out.stream();
    }

    /**
     * Pooling on its own, and after a convolution with its bias and ReLU in the same task graph
     * (LeNet-5's c1 + s2 shape): the fused stage of the format.
     */
    @ParameterizedTest(name = "{0} {1} average={2} countIncludePad={3}")
    @MethodSource("poolCases")
    void poolingEqualsThePoolingUnit(ArrayConfig cfg, Window window, boolean average, boolean countIncludePad,
            long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int batch = 2;
        int c = 5;
        int h = 11;
        int w = 9;
        Tensor x = TornadoDifferential.input(random, cfg.format(), batch, c, h, w);
        int zp = random.nextInt(-128, 128);
        ImplicitGemm pg = PoolingUnit.geometry("pool", batch, c, h, w, window);
        var pool = new TaskChain.Pool("pool", batch, c, h, w, window, average, countIncludePad,
                cfg.format() instanceof Int8Format ? zp : 0);
        Tensor want = new PoolingUnit(cfg).run(pg, average, countIncludePad, pool.zeroPoint(), x).output();
        try (TaskChain chain = TaskChain.create(List.of(pool), x.size(), cfg, TaskChain.Kernel.SHARED_WEIGHT, null,
                false)) {
            TornadoDifferential.assertSame("pool " + cfg + " " + window, want, chain.run(x));
        }

        ImplicitGemm g = new ImplicitGemm("conv", batch, 3, 13, 11, c, 1, new Window(3, 3, 1, 1, 0, 0, 1, 1));
        Operands op = TornadoDifferential.operands(random, g, cfg.format(), accumulator(cfg), true);
        Tensor in = TornadoDifferential.input(random, cfg.format(), batch, 3, 13, 11);
        int convZp = op instanceof Operands.Int8Layer q ? q.outputZeroPoint() : 0;
        Tensor conv = simulate(cfg, g, op, true, in);
        Tensor fused = new PoolingUnit(cfg).run(pg, average, countIncludePad, convZp, conv).output();
        var after = new TaskChain.Pool("pool", batch, c, h, w, window, average, countIncludePad, convZp);
        try (TaskChain chain = TaskChain.create(List.of(new TaskChain.Conv("conv", g, op, true), after), in.size(),
                cfg, TaskChain.Kernel.SHARED_WEIGHT, null, true)) {
            chain.run(in);
            TornadoDifferential.assertSame("conv+relu " + cfg, conv, chain.outputs().getFirst());
            TornadoDifferential.assertSame("conv+relu+pool " + cfg + " " + window, fused, chain.outputs().getLast());
        }
    }

    @Test
    void operandsOfAnotherFormatAreNamed() {
        ImplicitGemm g = layers().getFirst();
        var op = new Operands.F32Layer(new float[g.outC() * g.k()], null);
        var cfg = config(Dataflow.WS, 16, Int8Format.DEFAULT, 32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskChain.create(
                List.of(new TaskChain.Conv("c", g, op, false)), (int) g.inputElements(), cfg,
                TaskChain.Kernel.SHARED_WEIGHT, null, false));
        assertTrue(e.getMessage().equals("step 'c': F32Layer operands do not suit a int8 array"), e.getMessage());
    }

    @Test
    void packedInputsBeyondOneArrayAreRefusedByName() {
        // 201 x 201 positions (a 1x1 image padded by 100) x 60000 reductions
        ImplicitGemm g = new ImplicitGemm("huge", 1, 60000, 1, 1, 1, 1, new Window(1, 1, 1, 1, 100, 100, 1, 1));
        var op = new Operands.F32Layer(new float[g.k()], null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskChain.create(
                List.of(new TaskChain.Conv("huge", g, op, false)), (int) g.inputElements(), ArrayConfig.DEFAULT,
                TaskChain.Kernel.SHARED_WEIGHT, null, false));
        assertTrue(e.getMessage().startsWith("step 'huge': its packed inputs are 2424480000 elements"),
                e.getMessage());
    }
}
