package io.systole.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.backend.Backend;
import io.systole.backend.Stage;
import io.systole.model.Network;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import io.systole.sim.FastEngine;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole stages through {@link TornadoBackend} against the simulator: every node of LeNet-5 (both
 * zoo variants, through their dense layers) and of the awkward tiny network up to its grouped
 * convolution, one task graph per stage, weight- and output-stationary arrays.
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

    @ParameterizedTest(name = "{0} {1} {2}x{2}")
    @MethodSource("cases")
    void everyNodeEqualsTheSimulator(String name, Dataflow dataflow, int size) {
        Network net = Zoo.get(name);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(size, size).withDataflow(dataflow);
        int batch = 3;
        int[] shape = net.inputShape().batched(batch);
        Tensor x = Tensor.of(TornadoDifferential.awkward(new SplittableRandom(size), (int) Tensor.count(shape)), shape);
        Simulator.Run sim = new Simulator(cfg, new FastEngine()).run(net, x);
        List<Network.Node> nodes = new ArrayList<>();
        for (Network.Node n : net.nodes()) {
            boolean runs = switch (n.layer()) {
                case Conv2d c -> c.groups() == 1;
                case Dense d -> true;
                case Pool2d p -> true;
                case Flatten f -> true;
                case ReLU r -> !nodes.isEmpty();
                default -> false;
            };
            if (!runs || !Stage.readsOnly(n, Network.INPUT, nodes)) {
                break;
            }
            nodes.add(n);
        }
        Stage stage = Stage.of(net, nodes);
        Set<String> wanted = nodes.stream().map(Network.Node::name).collect(Collectors.toSet());
        try (TornadoBackend b = new TornadoBackend(TornadoVm.discover(), 0, cfg)) {
            Backend.StageResult r = b.run(stage, x, wanted);
            assertTrue(name.equals("tiny") || r.outputs().keySet().stream()
                    .anyMatch(k -> net.node(k).layer() instanceof Dense),
                    "the stage reaches the dense layers: " + r.outputs().keySet());
            for (var e : r.outputs().entrySet()) {
                TornadoDifferential.assertSameBits(name + " " + cfg + " " + e.getKey(),
                        sim.values().get(e.getKey()).floats(), e.getValue().floats());
            }
        }
    }
}
