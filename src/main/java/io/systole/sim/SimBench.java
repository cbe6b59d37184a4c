package io.systole.sim;

import io.systole.arith.Int8Format;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.model.Window;
import io.systole.model.Zoo;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulator speed: simulated MACs per second of the fast engine (values and cycles together) on
 * all of AlexNet's convolutions (about 1.08 billion MACs, batch 1) on the 16x16 weight-stationary
 * preset, in float32 and int8; and cycles per second of the PE-level engine. Prints the times
 * and a verification line per measurement. Run from the built jar:
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp target/systole.jar io.systole.sim.SimBench [runs]
 * </pre>
 */
public final class SimBench {
    private SimBench() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ArrayConfig f32 = ArrayConfig.preset("16x16-ws");
        System.out.printf("cores: %d, vector lanes: %d floats%n", Runtime.getRuntime().availableProcessors(),
                jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length());
        List<ArrayLayer> layers = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        alexnetConvolutions(f32, layers, inputs);
        bench("float32", f32, layers, inputs, runs);
        ArrayConfig int8 = f32.withFormat(Int8Format.DEFAULT);
        List<ArrayLayer> qLayers = new ArrayList<>();
        List<Tensor> qInputs = new ArrayList<>();
        alexnetConvolutions(int8, qLayers, qInputs);
        bench("int8", int8, qLayers, qInputs, runs);
        peEngine(f32);
    }

    /** AlexNet's five convolutions with seeded operands and inputs in the array's format. */
    static void alexnetConvolutions(ArrayConfig cfg, List<ArrayLayer> layers, List<Tensor> inputs) {
        Network net = Zoo.get("alexnet");
        SplittableRandom rnd = new SplittableRandom(7);
        for (Network.Node node : net.nodes()) {
            if (node.layer() instanceof Conv2d c) {
                ImplicitGemm g = ImplicitGemm.of(c, net.shapeOf(node.inputs().getFirst()), 1);
                layers.add(new ArrayLayer(g, cfg.format() instanceof Int8Format
                        ? int8Operands(g, rnd) : new Operands.F32Layer(c.weight().data(), c.bias().data())));
                inputs.add(input(g, cfg, rnd));
            }
        }
    }

    private static Operands int8Operands(ImplicitGemm g, SplittableRandom rnd) {
        byte[] w = new byte[(int) g.weightElements()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) rnd.nextInt(-127, 128);
        }
        int[] bias = new int[g.outC()];
        QuantizedMultiplier[] m = new QuantizedMultiplier[g.outC()];
        for (int o = 0; o < g.outC(); o++) {
            bias[o] = rnd.nextInt(-1000, 1000);
            m[o] = Requant.quantizeMultiplier(1e-4 + rnd.nextDouble() * 1e-4);
        }
        return new Operands.Int8Layer(w, bias, -3, -128, m, null, true);
    }

    private static Tensor input(ImplicitGemm g, ArrayConfig cfg, SplittableRandom rnd) {
        int n = (int) g.inputElements();
        int[] shape = {g.batch(), g.inC(), g.inH(), g.inW()};
        if (cfg.format() instanceof Int8Format) {
            byte[] x = new byte[n];
            for (int i = 0; i < n; i++) {
                x[i] = (byte) rnd.nextInt(-128, 128);
            }
            return Tensor.of(x, shape);
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return Tensor.of(x, shape);
    }

    private static void bench(String what, ArrayConfig cfg, List<ArrayLayer> layers, List<Tensor> inputs, int runs) {
        FastEngine engine = new FastEngine(false);
        long macs = layers.stream().mapToLong(l -> l.gemm().macs()).sum();
        long[] nanos = new long[runs];
        long cycles = 0;
        for (int w = 0; w < 2; w++) {
            for (int i = 0; i < layers.size(); i++) {
                engine.run(layers.get(i), inputs.get(i), cfg);
            }
        }
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            cycles = 0;
            for (int i = 0; i < layers.size(); i++) {
                cycles += engine.run(layers.get(i), inputs.get(i), cfg).stats().cycles();
            }
            nanos[r] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        double best = nanos[0] / 1e9;
        double median = nanos[runs / 2] / 1e9;
        System.out.printf("AlexNet convolutions, %s, %s: %,d MACs, %,d simulated cycles; best %.3f s, median %.3f s"
                + " over %d runs = %.2f GMAC/s simulated (best)%n", what, cfg, macs, cycles, best, median, runs,
                macs / best / 1e9);
        ArrayLayer first = layers.getFirst();
        long t0 = System.nanoTime();
        boolean same = OrderedReference.run(first, inputs.getFirst(), cfg).output()
                .equals(engine.run(first, inputs.getFirst(), cfg).output());
        System.out.printf("verification: %s conv1 of the fast engine equals the ordered reference bit for bit: %s"
                + " (reference took %.2f s)%n", what, same, (System.nanoTime() - t0) / 1e9);
    }

    private static void peEngine(ArrayConfig cfg) {
        ImplicitGemm g = new ImplicitGemm("pe-bench", 1, 16, 9, 9, 16, 1, new Window(3, 3, 1, 1, 1, 1, 1, 1));
        SplittableRandom rnd = new SplittableRandom(11);
        float[] w = new float[(int) g.weightElements()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() - 0.5);
        }
        ArrayLayer layer = new ArrayLayer(g, new Operands.F32Layer(w, null));
        Tensor x = input(g, cfg, rnd);
        PeEngine pe = new PeEngine();
        Engine.LayerResult r = pe.run(layer, x, cfg);
        double s = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            r = pe.run(layer, x, cfg);
            s = Math.min(s, (System.nanoTime() - t0) / 1e9);
        }
        long cycles = r.stats().computeCycles();
        System.out.printf("PE-level engine, %s, layer 16x9x9 -> 16 (3x3): %,d cycles, best of 5 %.3f s = %,.0f"
                + " cycles/s (%,.0f PE-cycles/s)%n", cfg, cycles, s, cycles / s, cycles * cfg.pes() / s);
        Engine.LayerResult fast = new FastEngine(false).run(layer, x, cfg);
        System.out.printf("verification: PE-level and fast engine give equal outputs: %s, equal statistics: %s%n",
                fast.output().equals(r.output()), fast.stats().equals(r.stats()));
    }
}
