package io.systole.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.backend.Backend;
import io.systole.backend.Stage;
import io.systole.model.Network;
import io.systole.model.ReLU;
import io.systole.model.Softmax;
import io.systole.model.Zoo;
import io.systole.quant.Calibration;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.QuantizedSimulator;
import io.systole.quant.Quantizer;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import io.systole.sim.FastEngine;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import io.systole.backend.jvm.JvmBackend;
import io.systole.partition.Partitioner;
import io.systole.partition.Placement;
import io.systole.partition.Plan;
import io.systole.quant.TrainedLeNet;
import io.systole.runtime.Runtime;
import io.systole.verify.Verifier;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole stages through {@link TornadoBackend} against the simulator: every node of LeNet-5 (both
 * zoo variants, through their dense layers) and of the awkward tiny network (its grouped, dilated
 * convolution included) up to the softmax, one task graph per stage, weight- and
 * output-stationary arrays; in float32 against {@link Simulator}, and quantized to int8 and to
 * fixed point against {@link QuantizedSimulator}.
 */
class NetworkStageTest {

    @Test
    void theRuntimeIsFound() {
        TornadoVm vm = TornadoVm.discover();
        assertTrue(vm.isAvailable(), () -> "TornadoVM: " + vm.reason());
        vm.listing().forEach(System.out::println);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String net : List.of("lenet5", "lenet5-28", "tiny")) {
            for (Dataflow d : Dataflow.values()) {
                for (int size : new int[] {8, 16}) {
                    out.add(Arguments.of(net, d, size));
                }
            }
        }
        return out.stream();
    }

    /** The stage of every node before the softmax. */
    static Stage stage(Network net) {
        return Stage.of(net, net.nodes().stream().takeWhile(n -> !(n.layer() instanceof Softmax)).toList());
    }

    /**
     * The nodes whose outputs a stage brings back when all are wanted: all but a convolution or
     * dense layer whose ReLU is fused into its step (its output before the ReLU never exists).
     */
    static Set<String> returned(Stage stage) {
        List<Network.Node> nodes = stage.nodes();
        Set<String> out = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            boolean fused = i + 1 < nodes.size() && nodes.get(i + 1).layer() instanceof ReLU
                    && nodes.get(i + 1).inputs().equals(List.of(nodes.get(i).name()));
            if (!fused) {
                out.add(nodes.get(i).name());
            }
        }
        return out;
    }

    static Tensor input(Network net, int batch, long seed) {
        int[] shape = net.inputShape().batched(batch);
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[(int) Tensor.count(shape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return Tensor.of(x, shape);
    }

    @ParameterizedTest(name = "{0} {1} {2}x{2}")
    @MethodSource("cases")
    void everyNodeEqualsTheSimulator(String name, Dataflow dataflow, int size) {
        Network net = Zoo.get(name);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(size, size).withDataflow(dataflow);
        int[] shape = net.inputShape().batched(3);
        Tensor x = Tensor.of(TornadoDifferential.awkward(new SplittableRandom(size), (int) Tensor.count(shape)), shape);
        Simulator.Run sim = new Simulator(cfg, new FastEngine()).run(net, x);
        Stage stage = stage(net);
        Set<String> wanted = stage.nodes().stream().map(Network.Node::name).collect(Collectors.toSet());
        try (TornadoBackend b = new TornadoBackend(TornadoVm.discover(), 0, cfg)) {
            Backend.StageResult r = b.run(stage, x, wanted);
            assertEquals(returned(stage), r.outputs().keySet());
            for (var e : r.outputs().entrySet()) {
                TornadoDifferential.assertSame(name + " " + cfg + " " + e.getKey(), sim.values().get(e.getKey()),
                        e.getValue());
            }
        }
    }

    static Stream<Arguments> quantizedCases() {
        List<Arguments> out = new ArrayList<>();
        int n = 0;
        for (String net : List.of("lenet5", "lenet5-28", "tiny")) {
            for (String format : List.of("int8", "int8<24,SATURATE,FLOAT_SCALE>", "fixed<16,6,RND_CONV,SAT>")) {
                out.add(Arguments.of(net, format, Dataflow.values()[n % 2], n / 2 % 2 == 0 ? 8 : 16));
                n++;
            }
        }
        return out.stream();
    }

    /** A network quantized (ranges from the batch itself) and run node by node as one quantized stage. */
    @ParameterizedTest(name = "{0} {1} {2} {3}x{3}")
    @MethodSource("quantizedCases")
    void everyQuantizedNodeEqualsTheSimulator(String name, String format, Dataflow dataflow, int size) {
        Network net = Zoo.get(name);
        Tensor x = input(net, 3, size);
        QuantizedNetwork q = format.startsWith("int8")
                ? Quantizer.int8(net, Int8Format.parse(format), Calibration.minMax(net, x)).network()
                : Quantizer.fixed(net, FixedFormat.parse(format), Map.of(), null).network();
        ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(size, size).withDataflow(dataflow).withFormat(q.format());
        Simulator.Run sim = new QuantizedSimulator(cfg, new FastEngine()).run(q, x);
        Stage stage = stage(net);
        Set<String> wanted = stage.nodes().stream().map(Network.Node::name).collect(Collectors.toSet());
        try (TornadoBackend b = new TornadoBackend(TornadoVm.discover(), 0, cfg)) {
            Backend.StageResult r = b.run(q, stage, q.quantizeInput(x), wanted);
            assertEquals(returned(stage), r.outputs().keySet());
            for (var e : r.outputs().entrySet()) {
                TornadoDifferential.assertSame(name + " " + q.format() + " " + cfg + " " + e.getKey(),
                        sim.values().get(e.getKey()), e.getValue());
            }
        }
    }

    /**
     * The trained LeNet-5 quantized, placed by the partitioner and run by the runtime with the host
     * and a TornadoVM device: its convolutions and pooling go to the device and every layer equals
     * the simulation of the quantized network.
     */
    @ParameterizedTest
    @ValueSource(strings = {"int8", "fixed<16,6,RND,SAT>"})
    void aQuantizedPlanRunsOnTheDevice(String format) {
        QuantizedNetwork q = TrainedLeNet.quantized(format);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(q.format());
        Tensor x = TrainedLeNet.images(3, 5);
        Map<String, Tensor> golden = new QuantizedSimulator(cfg, new FastEngine()).run(q, x).values();
        try (TornadoBackend b = new TornadoBackend(TornadoVm.discover(), 0, cfg)) {
            List<Backend> devices = List.of(JvmBackend.host(cfg), b);
            Plan plan = new Partitioner(List.copyOf(devices)).plan(q, 3, Placement.NONE);
            for (String node : List.of("conv1", "pool1", "conv2", "pool2")) {
                assertEquals(b.id(), plan.step(node).device(), plan.table());
            }
            Runtime.Execution run = new Runtime(devices).execute(plan, q, x, true);
            Verifier.Result res = Verifier.compare(q.network(), golden, run.values());
            assertTrue(res.passed(), format + ": " + res.first());
            assertEquals(golden.get("softmax"), run.output());
        }
    }

    /** Two quantizations of one network through one backend: each stage runs with its own operands. */
    @Test
    void eachQuantizedNetworkHasItsOwnChain() {
        Network net = Zoo.get("lenet5");
        Tensor x = input(net, 2, 1);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(Int8Format.DEFAULT);
        Stage stage = stage(net);
        String last = stage.nodes().getLast().name();
        try (TornadoBackend b = new TornadoBackend(TornadoVm.discover(), 0, cfg)) {
            Tensor[] wants = new Tensor[2];
            for (int seed = 0; seed < 2; seed++) {
                QuantizedNetwork q = Quantizer.int8(net, Int8Format.DEFAULT,
                        Calibration.minMax(net, input(net, 1, 10 + seed))).network();
                wants[seed] = new QuantizedSimulator(cfg, new FastEngine()).run(q, x).values().get(last);
                TornadoDifferential.assertSame("lenet5 calibrated on batch " + seed, wants[seed],
                        b.run(q, stage, q.quantizeInput(x), Set.of(last)).outputs().get(last));
            }
            assertNotEquals(wants[0], wants[1], "the two calibrations give different outputs");
        }
    }

    @Test
    void aStageOfTwoFixedFormatsIsRefusedByName() {
        Network net = Zoo.get("lenet5");
        QuantizedNetwork q = Quantizer.fixed(net, FixedFormat.parse("fixed<16,6>"),
                Map.of("conv2", FixedFormat.parse("fixed<12,4>")), null).network();
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(q.format());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Steps.of(q, stage(net).network(), cfg, 1));
        assertTrue(e.getMessage().startsWith("node 'conv2' runs in fixed<12,4,TRN,WRAP>, the stage before it in"
                + " fixed<16,6,TRN,WRAP>"), e.getMessage());
    }
}
