package io.systole.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.backend.Backend;
import io.systole.backend.jvm.JvmBackend;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.model.Shape;
import io.systole.model.Zoo;
import io.systole.partition.Partitioner;
import io.systole.partition.Placement;
import io.systole.partition.Plan;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.QuantizedSimulator;
import io.systole.quant.TrainedLeNet;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * Quantized stages cut at (nearly) every node: the nodes alternate between the host and the
     * simulated array wherever it runs them, starting on either, and every tensor of both runs
     * equals the simulation of the whole quantized network, bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"int8", "int8<32,WRAP,FLOAT_SCALE>", "fixed<16,6,RND,SAT>"})
    void quantizedStagesOnHostAndArrayEqualTheSimulator(String format) {
        QuantizedNetwork q = TrainedLeNet.quantized(format);
        Network net = q.network();
        ArrayConfig cfg = CFG.withFormat(q.format());
        List<Backend> devices = List.of(JvmBackend.host(cfg), JvmBackend.simulator(cfg));
        Tensor x = TrainedLeNet.images(3, 17);
        Map<String, Tensor> golden = new QuantizedSimulator(cfg, new FastEngine()).run(q, x).values();
        for (String first : List.of("jvm", "sim")) {
            Map<String, String> pins = new HashMap<>();
            String previous = first.equals("sim") ? "jvm" : "sim";
            for (Network.Node n : net.nodes()) {
                previous = previous.equals("jvm") && devices.get(1).supports(n.layer()) ? "sim" : "jvm";
                pins.put(n.name(), previous);
            }
            Plan plan = new Partitioner(List.copyOf(devices)).plan(q, 3, new Placement(pins));
            assertTrue(plan.stages().size() >= 9, plan.table());
            Runtime.Execution run = new Runtime(devices).execute(plan, q, x, true);
            Verifier.Result res = Verifier.compare(net, golden, run.values());
            assertTrue(res.passed(), format + ": " + res.first());
            assertEquals(golden.get("softmax"), run.output());
        }
    }

    @Test
    void plantedFaultsInInt8OutputsAreNamedExactly() {
        QuantizedNetwork q = TrainedLeNet.quantized("int8");
        Network net = q.network();
        ArrayConfig cfg = CFG.withFormat(q.format());
        Tensor x = TrainedLeNet.images(2, 9);
        Map<String, Tensor> golden = new QuantizedSimulator(cfg, new FastEngine()).run(q, x).values();
        SplittableRandom r = new SplittableRandom(31);
        for (String node : List.of("conv1", "pool1", "conv2", "pool2", "fc1", "fc2", "fc3")) {
            Tensor want = golden.get(node);
            int index = r.nextInt(want.size());
            int bit = r.nextInt(8);
            List<Backend> devices = List.of(JvmBackend.host(cfg),
                    new FaultyBackend(JvmBackend.simulator(cfg), node, index, bit));
            Plan plan = new Partitioner(List.copyOf(devices)).plan(q, 2, Placement.parse(node + "=sim"));
            Runtime.Execution run = new Runtime(devices).execute(plan, q, x, true);
            Mismatch m = Verifier.compare(net, golden, run.values()).first();
            assertEquals(node, m.node(), "bit " + bit);
            assertEquals(index, m.index());
            int[] s = want.shape();
            int per = want.size() / s[0];
            int hw = s.length == 4 ? s[2] * s[3] : 1;
            int w = s.length == 4 ? s[3] : 1;
            assertEquals(index / per, m.batch());
            assertEquals(index % per / hw, m.channel());
            assertEquals(index % hw / w, m.row());
            assertEquals(index % w, m.column());
            assertEquals(want.bytes()[index], (byte) m.expected());
            assertEquals((byte) (want.bytes()[index] ^ (1 << bit)), (byte) m.actual());
            assertEquals(1, m.differing());
        }
    }
}
