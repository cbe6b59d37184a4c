package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.NumberFormat;
import io.systole.model.Window;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PE-level engine, the fast engine (vector and scalar paths) and the ordered reference agree
 * bit for bit on awkward layers, with equal statistics (so equal cycle counts) and equal
 * overflow counts, for both dataflows at several array sizes and in every format.
 */
class EngineAgreementTest {

    /**
     * Awkward layers: 9x9 inputs, 5 -> 7 channels, stride 2, padding, dilation, groups, batch 2,
     * more output channels than one task of the fast engine takes.
     */
    static List<ImplicitGemm> layers() {
        return List.of(
                new ImplicitGemm("conv5to7", 1, 5, 9, 9, 7, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                new ImplicitGemm("stride2", 2, 3, 9, 9, 7, 1, new Window(3, 3, 2, 2, 1, 1, 1, 1)),
                new ImplicitGemm("dilated", 1, 4, 9, 9, 5, 1, new Window(2, 3, 1, 2, 2, 1, 2, 2)),
                new ImplicitGemm("grouped", 2, 6, 7, 7, 9, 3, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                new ImplicitGemm("dense", 3, 19, 1, 1, 17, 1, new Window(1, 1, 1, 1, 0, 0, 1, 1)),
                new ImplicitGemm("wide", 2, 6, 3, 3, 140, 1, new Window(2, 2, 1, 1, 0, 0, 1, 1)));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        String[] formats = {"f32", "int8", "int8<16,SATURATE,FLOAT_SCALE>", "int8<18,WRAP>", "fixed<8,3,RND,SAT>",
            "fixed<12,5,RND_CONV,WRAP>"};
        int[][] sizes = {{4, 4}, {3, 5}, {8, 2}};
        long seed = 1;
        for (Dataflow d : Dataflow.values()) {
            for (int[] s : sizes) {
                for (String f : formats) {
                    for (ImplicitGemm g : layers()) {
                        out.add(Arguments.of(d, s[0], s[1], f, g, seed++));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2} {3} {4}")
    @MethodSource("cases")
    void enginesAgree(Dataflow dataflow, int rows, int cols, String format, ImplicitGemm g, long seed) {
        NumberFormat nf = NumberFormat.parse(format);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(nf).withSize(rows, cols).withDataflow(dataflow)
                .withDoubleBufferedWeights(seed % 2 == 0)
                .withSram(2048, 4096, seed % 3 == 0 ? 256 : 4096);
        if (nf instanceof io.systole.arith.FixedFormat ff && seed % 2 == 1) {
            cfg = new ArrayConfig("narrow", rows, cols, dataflow, nf, 2 * ff.width() + 2, 2048, 4096, 4096, 4, 100,
                    false, cols);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        ArrayLayer layer = new ArrayLayer(g, Differential.operands(g, cfg, rnd));
        Tensor x = Differential.input(g, cfg, rnd);

        OrderedReference.Values ref = OrderedReference.run(layer, x, cfg);
        Engine.LayerResult pe = new PeEngine().run(layer, x, cfg);
        Engine.LayerResult fast = new FastEngine(false).run(layer, x, cfg);
        Engine.LayerResult scalar = new FastEngine(true).run(layer, x, cfg);

        Differential.assertSameBits("PE engine vs ordered reference", ref.output(), pe.output());
        Differential.assertSameBits("fast engine vs ordered reference", ref.output(), fast.output());
        Differential.assertSameBits("scalar fast engine vs ordered reference", ref.output(), scalar.output());
        assertEquals(fast.stats(), pe.stats(), "statistics (cycles, traffic, overflows) of fast and PE engines");
        assertEquals(fast.stats(), scalar.stats());
        assertEquals(ref.overflow().overflows(), pe.stats().overflows(), "overflows");
        assertEquals(ref.overflow().saturations(), pe.stats().saturations(), "saturations");
        assertEquals(g.macs(), pe.stats().macs());
        long distinct = java.util.stream.IntStream.range(0, ref.output().size()).mapToDouble(i -> ref.output().get(i))
                .distinct().count();
        assertTrue(distinct > 1, "the random layer should not give a constant output");
    }
}
