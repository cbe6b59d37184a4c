package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.Int8Format;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorTest {

    static Tensor input(Network net, int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[Math.toIntExact(batch * net.inputShape().size())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return Tensor.of(x, net.inputShape().batched(batch));
    }

    /**
     * With one row, every weight-stationary fold is a single product rounded on its own, and the
     * folds add up in order: exactly the reference engine's plain float loop.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny", "lenet5", "lenet5-28", "tied-mlp"})
    void oneRowArrayReproducesTheReferenceEngine(String model) {
        Network net = Zoo.get(model);
        Tensor x = input(net, 2, 3);
        Map<String, Tensor> want = ReferenceEngine.forwardAll(net, x);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(1, 5);
        Simulator.Run run = new Simulator(cfg, new FastEngine()).run(net, x);
        for (Network.Node node : net.nodes()) {
            Differential.assertSameBits(model + " node " + node.name(), want.get(node.name()),
                    run.values().get(node.name()));
        }
        assertEquals(want.get(net.nodes().getLast().name()), run.output());
    }

    @Test
    void theValuesOnlyEngineGivesTheSameValuesAndMacsWithoutCycles() {
        Network net = Zoo.get("tiny");
        Tensor x = input(net, 2, 5);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(4, 4);
        Simulator.Run timed = new Simulator(cfg, new FastEngine()).run(net, x);
        Simulator.Run untimed = new Simulator(cfg, FastEngine.valuesOnly()).run(net, x);
        for (Network.Node node : net.nodes()) {
            Differential.assertSameBits(node.name(), timed.values().get(node.name()),
                    untimed.values().get(node.name()));
            LayerStats t = timed.report().layer(node.name());
            LayerStats u = untimed.report().layer(node.name());
            assertEquals(t.macs(), u.macs(), node.name());
            if (t.unit() == LayerStats.Unit.ARRAY) {
                assertTrue(t.cycles() > 0 && t.macs() > 0, node.name());
                assertEquals(0, u.cycles(), node.name());
            }
        }
    }

    @Test
    void peAndFastEnginesAgreeOnAWholeNetwork() {
        Network net = Zoo.get("tiny");
        Tensor x = input(net, 2, 4);
        for (ArrayConfig cfg : List.of(ArrayConfig.DEFAULT.withSize(4, 4),
                ArrayConfig.DEFAULT.withSize(3, 5).withDataflow(Dataflow.OS))) {
            Simulator.Run fast = new Simulator(cfg, new FastEngine()).run(net, x);
            Simulator.Run pe = new Simulator(cfg, new PeEngine()).run(net, x);
            for (Network.Node node : net.nodes()) {
                Differential.assertSameBits(cfg + " " + node.name(), fast.values().get(node.name()),
                        pe.values().get(node.name()));
            }
            assertEquals(fast.report(), pe.report());
        }
    }

    @Test
    void timingWithoutValuesEqualsTheRun() {
        ArrayConfig cfg = ArrayConfig.preset("8x8-os");
        for (String model : new String[] {"tiny", "lenet5-28"}) {
            Network net = Zoo.get(model);
            Report run = new Simulator(cfg, new FastEngine()).run(net, input(net, 3, 5)).report();
            assertEquals(run, new Simulator(cfg, new FastEngine()).timing(net, 3));
            assertEquals(run.total().macs(), 3 * io.systole.model.Accounting.of(net).total().macs());
        }
    }

    @Test
    void topologyFileTimesLikeTheZooNetwork() throws IOException {
        ArrayConfig cfg = ArrayConfig.preset("16x16-ws");
        Simulator sim = new Simulator(cfg, new FastEngine());
        Report topo = sim.timing(Topology.read(Path.of("sim/topologies/lenet5.csv")));
        Report zoo = sim.timing(Zoo.get("lenet5"), 1);
        String[][] pairs = {{"Conv1", "conv1"}, {"Conv2", "conv2"}, {"Conv3", "conv3"}, {"FC1", "fc1"}, {"FC2", "fc2"}};
        for (String[] p : pairs) {
            LayerStats a = topo.layer(p[0]);
            assertEquals(zoo.layer(p[1]).named(p[0], a.type()), a, p[0]);
        }
        assertEquals("dense", topo.layer("FC1").type());
    }

    @Test
    void valuesOfAFloatNetworkNeedAFloatArray() {
        Network net = Zoo.get("tiny");
        ArrayConfig int8 = ArrayConfig.DEFAULT.withFormat(Int8Format.DEFAULT);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> new Simulator(int8, new FastEngine()).run(net, input(net, 1, 1))).getMessage();
        assertTrue(msg.contains("need quantized layers"), msg);
        Report timing = new Simulator(int8, new FastEngine()).timing(net, 1);
        assertTrue(timing.total().cycles() > 0);
    }

    @Test
    void hostOperationsCostNothing() {
        Network net = Zoo.get("lenet5-28");
        Report r = new Simulator(ArrayConfig.DEFAULT, new FastEngine()).timing(net, 1);
        LayerStats relu = r.layer("relu1");
        assertEquals(LayerStats.Unit.HOST, relu.unit());
        assertEquals(0, relu.cycles());
        assertEquals(0, relu.dramReadBytes());
        assertEquals(LayerStats.Unit.POOL, r.layer("pool1").unit());
        assertTrue(r.layer("pool1").cycles() > 0);
    }
}
