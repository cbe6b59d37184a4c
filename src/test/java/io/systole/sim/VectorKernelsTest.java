package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.Int8Format;
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
 * The vector kernels against the ordered reference, bit for bit, on the shapes where their
 * blocking has edges: reductions longer than one chunk and folds that do not divide it, channel
 * counts below one vector and between vectors, positions that fill many tasks and slivers that
 * straddle two images, one position split across channel tasks, groups, stride, dilation and
 * padding; both dataflows, arrays of 1 to 256 rows, float32 and int8.
 */
class VectorKernelsTest {

    static List<ImplicitGemm> layers() {
        return List.of(
                // K = 40 * 3 * 3 = 360: two chunks, and a fold of 7 or 3 rows ends inside a chunk
                new ImplicitGemm("deepK", 1, 40, 7, 7, 19, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                // M = 3 * 23 * 23 = 1587: many position blocks; 529 positions per image, so slivers straddle images
                new ImplicitGemm("manyPositions", 3, 2, 23, 23, 5, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                new ImplicitGemm("strideDilation", 2, 6, 17, 19, 18, 1, new Window(3, 2, 2, 3, 2, 1, 2, 3)),
                new ImplicitGemm("grouped", 2, 8, 9, 9, 12, 4, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                // K = 1: one reduction index, shorter than any fold
                new ImplicitGemm("pointwise", 2, 1, 5, 6, 33, 1, new Window(1, 1, 1, 1, 0, 0, 1, 1)),
                // M = 1 (a dense layer on one input): the channels are split across tasks
                new ImplicitGemm("dense", 1, 513, 1, 1, 70, 1, new Window(1, 1, 1, 1, 0, 0, 1, 1)),
                // a window that is padding for whole positions
                new ImplicitGemm("mostlyPadding", 1, 3, 2, 3, 9, 1, new Window(5, 5, 1, 1, 3, 3, 1, 1)));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        long seed = 100;
        for (String format : new String[] {"f32", "int8"}) {
            for (Dataflow d : Dataflow.values()) {
                for (int rows : new int[] {1, 3, 7, 16, 256}) {
                    for (ImplicitGemm g : layers()) {
                        out.add(Arguments.of(format, d, rows, g, seed++));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} rows {3}")
    @MethodSource("cases")
    void kernelsEqualTheOrderedReference(String format, Dataflow dataflow, int rows, ImplicitGemm g, long seed) {
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(NumberFormat.parse(format)).withSize(rows, 4)
                .withDataflow(dataflow);
        SplittableRandom rnd = new SplittableRandom(seed);
        ArrayLayer layer = new ArrayLayer(g, Differential.operands(g, cfg, rnd));
        Tensor x = Differential.input(g, cfg, rnd);
        if (layer.operands() instanceof Operands.Int8Layer op) {
            assertTrue(VectorKernels.int8Exact(g, op, x.bytes(), (Int8Format) cfg.format()),
                    "the int8 case should take the vector kernel");
        }
        OrderedReference.Values ref = OrderedReference.run(layer, x, cfg);
        Engine.LayerResult fast = new FastEngine(false).run(layer, x, cfg);
        Differential.assertSameBits("vector kernels vs ordered reference", ref.output(), fast.output());
        assertEquals(ref.overflow().overflows(), fast.stats().overflows(), "overflows");
        assertEquals(ref.overflow().saturations(), fast.stats().saturations(), "saturations");
    }
}
