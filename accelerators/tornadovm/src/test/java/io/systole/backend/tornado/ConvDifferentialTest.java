package io.systole.backend.tornado;

import io.systole.arith.Float32Order;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TornadoVM kernels against the simulator, bit for bit, float32: awkward random layers,
 * LeNet-5's and AlexNet's layers, weight- and output-stationary arrays of several sizes, both convolution
 * kernels, pooling alone and chained after a convolution.
 */
class ConvDifferentialTest {

    /** 9x9 inputs, 5 -> 7 channels, stride 2, padding, dilation, batch 3, a dense layer, K > KT. */
    static List<ImplicitGemm> layers() {
        return List.of(
                new ImplicitGemm("conv5to7", 1, 5, 9, 9, 7, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                new ImplicitGemm("stride2", 3, 3, 9, 9, 7, 1, new Window(3, 3, 2, 2, 1, 1, 1, 1)),
                new ImplicitGemm("dilated", 1, 4, 9, 9, 5, 1, new Window(2, 3, 1, 2, 2, 1, 2, 2)),
                new ImplicitGemm("dense", 3, 19, 1, 1, 17, 1, new Window(1, 1, 1, 1, 0, 0, 1, 1)),
                new ImplicitGemm("long", 1, 31, 5, 6, 11, 1, new Window(3, 3, 1, 1, 0, 1, 1, 1)),
                new ImplicitGemm("lenet.c1", 2, 1, 32, 32, 6, 1, new Window(5, 5, 1, 1, 0, 0, 1, 1)),
                new ImplicitGemm("lenet.c3", 2, 6, 14, 14, 16, 1, new Window(5, 5, 1, 1, 0, 0, 1, 1)),
                new ImplicitGemm("lenet.c5", 2, 16, 5, 5, 120, 1, new Window(5, 5, 1, 1, 0, 0, 1, 1)));
    }

    static Stream<Arguments> convCases() {
        List<Arguments> out = new ArrayList<>();
        long seed = 1;
        for (Dataflow d : Dataflow.values()) {
            for (int size : new int[] {1, 8, 16}) {
                for (ImplicitGemm g : layers()) {
                    for (TaskChain.Kernel k : TaskChain.Kernel.values()) {
                        out.add(Arguments.of(d, size, g, k, seed++));
                    }
                }
            }
        }
        return out.stream();
    }

    static ArrayConfig config(Dataflow d, int size) {
        return ArrayConfig.DEFAULT.withSize(size, size).withDataflow(d);
    }

    @ParameterizedTest(name = "{0} {1}x{1} {2} {3}")
    @MethodSource("convCases")
    void convolutionEqualsTheSimulator(Dataflow d, int size, ImplicitGemm g, TaskChain.Kernel kernel, long seed) {
        ArrayConfig cfg = config(d, size);
        SplittableRandom random = new SplittableRandom(seed);
        var op = new Operands.F32Layer(TornadoDifferential.awkward(random, g.outC() * g.k()),
                random.nextBoolean() ? TornadoDifferential.awkward(random, g.outC()) : null);
        float[] x = TornadoDifferential.awkward(random, g.batch() * g.inC() * g.inH() * g.inW());
        boolean relu = random.nextBoolean();
        float[] want = new FastEngine().run(new ArrayLayer(g, op),
                Tensor.of(x, g.batch(), g.inC(), g.inH(), g.inW()), cfg).output().floats().clone();
        if (relu) {
            for (int i = 0; i < want.length; i++) {
                want[i] = Float32Order.relu(want[i]);
            }
        }
        try (TaskChain chain = TaskChain.create(List.of(new TaskChain.Conv(g.name(), g, op, relu)), x.length, cfg,
                kernel, null, false)) {
            TornadoDifferential.assertSameBits(kernel + " " + cfg + " " + g.name(), want, chain.run(x));
        }
    }

    /** AlexNet's first two convolutions (batch 1) on the default 16x16 weight-stationary array. */
    @ParameterizedTest(name = "alexnet {0}")
    @ValueSource(strings = {"conv1", "conv2"})
    void alexNetEqualsTheSimulator(String node) {
        Network net = Zoo.get("alexnet");
        Network.Node n = net.node(node);
        ImplicitGemm g = ImplicitGemm.of((Conv2d) n.layer(), net.shapeOf(n.inputs().getFirst()), 1);
        SplittableRandom random = new SplittableRandom(node.hashCode());
        var op = new Operands.F32Layer(TornadoDifferential.awkward(random, g.outC() * g.k()),
                TornadoDifferential.awkward(random, g.outC()));
        float[] x = TornadoDifferential.awkward(random, g.inC() * g.inH() * g.inW());
        ArrayConfig cfg = ArrayConfig.DEFAULT;
        float[] want = new FastEngine().run(new ArrayLayer(g, op), Tensor.of(x, 1, g.inC(), g.inH(), g.inW()), cfg)
                .output().floats();
        try (TaskChain chain = TaskChain.create(List.of(new TaskChain.Conv(node, g, op, false)), x.length, cfg,
                TaskChain.Kernel.SHARED_WEIGHT, null, false)) {
            TornadoDifferential.assertSameBits("alexnet " + node, want, chain.run(x));
        }
    }

    static Stream<Arguments> poolCases() {
        return Stream.of(
                Arguments.of(new Window(3, 3, 2, 2, 1, 1, 1, 1), false, true, 1001L),
                Arguments.of(new Window(2, 2, 2, 2, 0, 0, 1, 1), false, true, 1002L),
                Arguments.of(new Window(2, 2, 1, 1, 0, 0, 1, 1), true, true, 1003L),
                Arguments.of(new Window(3, 2, 2, 1, 1, 1, 1, 1), true, true, 1004L),
                Arguments.of(new Window(3, 3, 2, 2, 1, 1, 1, 1), true, false, 1005L));
    }

    /** Pooling on its own, and after a convolution in the same task graph (LeNet-5's c1 + s2 shape). */
    @ParameterizedTest(name = "{0} average={1} countIncludePad={2}")
    @MethodSource("poolCases")
    void poolingEqualsThePoolingUnit(Window window, boolean average, boolean countIncludePad, long seed) {
        ArrayConfig cfg = ArrayConfig.DEFAULT;
        SplittableRandom random = new SplittableRandom(seed);
        int batch = 2;
        int c = 5;
        int h = 11;
        int w = 9;
        float[] x = TornadoDifferential.awkward(random, batch * c * h * w);
        ImplicitGemm pg = PoolingUnit.geometry("pool", batch, c, h, w, window);
        float[] want = new PoolingUnit(cfg).run(pg, average, countIncludePad, 0, Tensor.of(x, batch, c, h, w))
                .output().floats();
        var pool = new TaskChain.Pool("pool", batch, c, h, w, window, average, countIncludePad);
        try (TaskChain chain = TaskChain.create(List.of(pool), x.length, cfg, TaskChain.Kernel.SHARED_WEIGHT, null,
                false)) {
            TornadoDifferential.assertSameBits("pool " + window, want, chain.run(x));
        }

        ImplicitGemm g = new ImplicitGemm("conv", batch, 3, 13, 11, c, 1, new Window(3, 3, 1, 1, 0, 0, 1, 1));
        var op = new Operands.F32Layer(TornadoDifferential.awkward(random, g.outC() * g.k()),
                TornadoDifferential.awkward(random, g.outC()));
        float[] in = TornadoDifferential.awkward(random, batch * 3 * 13 * 11);
        float[] conv = new FastEngine().run(new ArrayLayer(g, op), Tensor.of(in, batch, 3, 13, 11), cfg)
                .output().floats().clone();
        for (int i = 0; i < conv.length; i++) {
            conv[i] = Float32Order.relu(conv[i]);
        }
        float[] fused = new PoolingUnit(cfg).run(pg, average, countIncludePad, 0, Tensor.of(conv, batch, c, h, w))
                .output().floats();
        try (TaskChain chain = TaskChain.create(List.of(new TaskChain.Conv("conv", g, op, true), pool), in.length,
                cfg, TaskChain.Kernel.SHARED_WEIGHT, null, false)) {
            TornadoDifferential.assertSameBits("conv+relu+pool " + window, fused, chain.run(in));
        }
    }
}
