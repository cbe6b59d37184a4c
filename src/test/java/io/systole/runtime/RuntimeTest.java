package io.systole.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.backend.Backend;
import io.systole.backend.Stage;
import io.systole.backend.jvm.JvmBackend;
import io.systole.model.Conv2d;
import io.systole.model.Layer;
import io.systole.model.Network;
import io.systole.model.Shape;
import io.systole.model.Zoo;
import io.systole.partition.Partitioner;
import io.systole.partition.Placement;
import io.systole.partition.Plan;
import io.systole.sim.ArrayConfig;
import io.systole.sim.FastEngine;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import io.systole.verify.Mismatch;
import io.systole.verify.Verifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RuntimeTest {
    static final ArrayConfig CFG = ArrayConfig.preset("8x8-os").withFormat(io.systole.arith.F32.INSTANCE);

    static Tensor input(Network net, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[Math.toIntExact(n * net.inputShape().size())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return Tensor.of(x, net.inputShape().batched(n));
    }

    @Test
    void hostAndSimulatedArrayTogetherEqualTheSimulatorEverywhere() {
        for (String name : List.of("tiny", "lenet5", "tied-mlp")) {
            Network net = Zoo.get(name);
            List<Backend> devices = List.of(JvmBackend.host(CFG), JvmBackend.simulator(CFG));
            Plan plan = new Partitioner(List.copyOf(devices)).plan(net, 3, 4, Placement.NONE);
            Tensor x = input(net, 3, 11);
            Runtime.Execution run = new Runtime(devices).execute(plan, x, true);
            Map<String, Tensor> golden = new Simulator(CFG, new FastEngine()).run(net, x).values();
            Verifier.Result res = Verifier.compare(net, golden, run.values());
            assertTrue(res.passed(), name + ": " + res.first());
            assertEquals(net.nodes().size(), run.timings().size());
            if (name.equals("tiny")) {
                assertEquals("sim", plan.step("conv1").device());
            }
        }
    }

    @Test
    void onlyTheOutputComesBackUnlessAllAreKept() {
        Network net = Zoo.get("tiny");
        List<Backend> devices = List.of(JvmBackend.host(CFG));
        Plan plan = new Partitioner(List.copyOf(devices)).plan(net, 1, 4, Placement.NONE);
        Runtime.Execution run = new Runtime(devices).execute(plan, input(net, 1, 2), false);
        assertEquals(Set.of("softmax"), run.values().keySet());
    }

    @Test
    void residualAddFromTheNetworkInputRunsInOneStage() {
        Conv2d c = Conv2d.builder().setName("c").setInChannels(2).setOutChannels(2).setKernel(3).optPadding(1).build();
        Network net = Network.builder("res", Shape.chw(2, 5, 5)).add(c).add(new io.systole.model.ReLU("r"))
                .add(new io.systole.model.Add("sum"), "r", Network.INPUT).build().initialise(3);
        List<Backend> devices = List.of(JvmBackend.host(CFG));
        Plan plan = new Partitioner(List.copyOf(devices)).plan(net, 2, 4, Placement.NONE);
        Tensor x = input(net, 2, 4);
        Runtime.Execution run = new Runtime(devices).execute(plan, x, true);
        assertEquals(new Simulator(CFG, new FastEngine()).run(net, x).output(), run.output());
    }

    /** A device whose output of one node has one bit flipped: verify must name exactly that place. */
    static final class FaultyBackend implements Backend {
        final JvmBackend inner;
        final String node;
        final int index;
        final int bit;

        FaultyBackend(JvmBackend inner, String node, int index, int bit) {
            this.inner = inner;
            this.node = node;
            this.index = index;
            this.bit = bit;
        }

        @Override
        public StageResult run(Stage stage, Tensor input, Set<String> wanted) {
            StageResult r = inner.run(stage, input, wanted);
            Map<String, Tensor> out = new HashMap<>(r.outputs());
            Tensor t = out.get(node);
            if (t != null) {
                float[] f = t.floats().clone();
                f[index] = Float.intBitsToFloat(Float.floatToRawIntBits(f[index]) ^ (1 << bit));
                out.put(node, Tensor.of(f, t.shape()));
            }
            return new StageResult(out, r.timings());
        }

        @Override
        public String description() {
            return "faulty " + inner.description();
        }

        @Override
        public double peakFlops() {
            return inner.peakFlops();
        }

        @Override
        public String id() {
            return inner.id();
        }

        @Override
        public boolean accelerator() {
            return inner.accelerator();
        }

        @Override
        public boolean supports(Layer layer) {
            return inner.supports(layer);
        }

        @Override
        public double computeSeconds(Network net, Network.Node n, int batch) {
            return inner.computeSeconds(net, n, batch);
        }

        @Override
        public double launchSeconds() {
            return inner.launchSeconds();
        }

        @Override
        public double linkBytesPerSecond() {
            return inner.linkBytesPerSecond();
        }
    }

    @Test
    void plantedFaultsOnADeviceAreNamedExactly() {
        Network net = Zoo.get("tiny");
        Tensor x = input(net, 2, 9);
        Map<String, Tensor> golden = new Simulator(CFG, new FastEngine()).run(net, x).values();
        SplittableRandom r = new SplittableRandom(13);
        for (String node : List.of("conv1", "pool1", "conv2", "conv3", "pool2")) {
            int size = golden.get(node).size();
            int index = r.nextInt(size);
            int bit = r.nextInt(31);
            List<Backend> devices = List.of(JvmBackend.host(CFG),
                    new FaultyBackend(JvmBackend.simulator(CFG), node, index, bit));
            Plan plan = new Partitioner(List.copyOf(devices)).plan(net, 2, 4, Placement.NONE);
            assertEquals("sim", plan.step(node).device());
            Runtime.Execution run = new Runtime(devices).execute(plan, x, true);
            Mismatch m = Verifier.compare(net, golden, run.values()).first();
            assertEquals(node, m.node(), "bit " + bit);
            assertEquals(index, m.index());
            int[] s = golden.get(node).shape();
            assertEquals(index / (s[1] * s[2] * s[3]), m.batch());
            assertEquals(index / (s[2] * s[3]) % s[1], m.channel());
            assertEquals(index / s[3] % s[2], m.row());
            assertEquals(index % s[3], m.column());
            assertEquals(1, m.differing());
        }
    }
}
