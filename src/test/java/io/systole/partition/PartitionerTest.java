package io.systole.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.F32;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Layer;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Zoo;
import io.systole.quant.Calibration;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.Quantizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class PartitionerTest {
    static final double INF = Double.POSITIVE_INFINITY;

    static ThroughputModel host() {
        return new ThroughputModel("jvm", false, l -> true, 20e9, 10e9, 4, 0, INF);
    }

    /** An accelerator for convolution, pooling and ReLU with a slow link. */
    static ThroughputModel gpu(double flops, double launch, double link) {
        return new ThroughputModel("opencl:0", true, l -> l instanceof Conv2d || l instanceof Pool2d || l instanceof ReLU
                || l instanceof Dense, flops, 100e9, 4, launch, link);
    }

    @Test
    void hostOnlyGivesOneStage() {
        Plan p = new Partitioner(List.of(host())).plan(Zoo.get("lenet5-28"), 1, 4, Placement.NONE);
        assertEquals(1, p.stages().size());
        assertTrue(p.steps().stream().allMatch(s -> s.device().equals("jvm")));
        assertEquals(0, p.bytesMoved());
    }

    @Test
    void convolutionAndPoolingGoToTheAcceleratorWithFusedGroups() {
        Network net = Zoo.get("lenet5-28");
        Plan p = new Partitioner(List.of(host(), gpu(200e9, 20e-6, 10e9))).plan(net, 64, 4, Placement.NONE);
        for (String n : List.of("conv1", "pool1", "conv2", "pool2")) {
            assertEquals("opencl:0", p.step(n).device(), n);
        }
        assertEquals("conv1", p.step("relu1").fusedWith());
        assertEquals("conv1", p.step("pool1").fusedWith());
        assertEquals(0.0, p.step("pool1").launchSeconds());
        assertEquals("jvm", p.step("softmax").device());
        // the input crosses to the accelerator once: 64 * 784 floats
        assertEquals(64L * 784 * 4, p.step("conv1").bytesMoved());
        assertTrue(p.table().contains("opencl:0"));
        assertTrue(p.dot().startsWith("digraph plan {") && p.dot().contains("cluster_0"));
    }

    @Test
    void pinsAreHonouredAndChecked() {
        Network net = Zoo.get("lenet5-28");
        Partitioner part = new Partitioner(List.of(host(), gpu(200e9, 20e-6, 10e9)));
        Plan p = part.plan(net, 1, 4, Placement.parse("conv2=jvm,fc1=opencl:0"));
        assertEquals("jvm", p.step("conv2").device());
        assertEquals("opencl:0", p.step("fc1").device());
        String m = assertThrows(ModelException.class,
                () -> part.plan(net, 1, 4, Placement.parse("softmax=opencl:0"))).getMessage();
        assertTrue(m.contains("softmax") && m.contains("does not support"), m);
        m = assertThrows(ModelException.class, () -> part.plan(net, 1, 4, Placement.parse("conv1=opencl:7"))).getMessage();
        assertTrue(m.contains("no device 'opencl:7'"), m);
        m = assertThrows(ModelException.class, () -> part.plan(net, 1, 4, Placement.parse("conv9=jvm"))).getMessage();
        assertTrue(m.contains("'conv9'"), m);
        assertThrows(IllegalArgumentException.class, () -> Placement.parse("conv1"));
    }

    /** Every assignment of a chain to its candidate devices, the least total found by brute force. */
    @Test
    void dynamicProgrammeFindsTheLeastTimeOfEveryAssignment() {
        Network net = Zoo.get("tiny");
        ThroughputModel slowLink = gpu(400e9, 5e-6, 2e9);
        ThroughputModel other = new ThroughputModel("opencl:1", true, l -> !(l instanceof io.systole.model.Softmax),
                50e9, 20e9, 4, 1e-6, 8e9);
        for (int batch : new int[] {1, 16, 256}) {
            Partitioner part = new Partitioner(List.of(host(), slowLink, other));
            Plan p = part.plan(net, batch, 4, Placement.NONE);
            List<List<DeviceModel>> cands = new ArrayList<>();
            for (Network.Node n : net.nodes()) {
                cands.add(part.candidates(n, Set.of(F32.INSTANCE), Placement.NONE));
            }
            double bestTotal = bruteForce(part, net, batch, cands, 0, new HashMap<>());
            assertEquals(bestTotal, p.totalSeconds(), bestTotal * 1e-9, "batch " + batch);
        }
    }

    private static double bruteForce(Partitioner part, Network net, int batch, List<List<DeviceModel>> cands, int i,
            Map<String, String> pins) {
        if (i == cands.size()) {
            return part.plan(net, batch, 4, new Placement(pins)).totalSeconds();
        }
        double best = INF;
        for (DeviceModel d : cands.get(i)) {
            pins.put(net.nodes().get(i).name(), d.id());
            best = Math.min(best, bruteForce(part, net, batch, cands, i + 1, pins));
        }
        pins.remove(net.nodes().get(i).name());
        return best;
    }

    @Test
    void slowLinkKeepsSmallWorkOnTheHost() {
        Plan p = new Partitioner(List.of(host(), new ThroughputModel("opencl:0", true, l -> true, 21e9, 10e9, 4, 1e-3,
                1e6))).plan(Zoo.get("tied-mlp"), 1, 4, Placement.NONE);
        assertTrue(p.steps().stream().allMatch(s -> s.device().equals("jvm")), p.table());
    }

    /** A device model that computes the formats {@code computes} accepts. */
    record Computing(ThroughputModel model, Predicate<NumberFormat> computes) implements DeviceModel {
        @Override
        public String id() {
            return model.id();
        }

        @Override
        public boolean accelerator() {
            return model.accelerator();
        }

        @Override
        public boolean supports(Layer layer) {
            return model.supports(layer);
        }

        @Override
        public boolean computes(NumberFormat format) {
            return computes.test(format);
        }

        @Override
        public double computeSeconds(Network net, Network.Node node, int batch) {
            return model.computeSeconds(net, node, batch);
        }

        @Override
        public double launchSeconds() {
            return model.launchSeconds();
        }

        @Override
        public double linkBytesPerSecond() {
            return model.linkBytesPerSecond();
        }
    }

    @Test
    void quantizedNodesGoOnlyToDevicesThatComputeTheirFormats() {
        Network net = Zoo.get("lenet5-28");
        QuantizedNetwork q = Quantizer.int8(net, Int8Format.DEFAULT, Calibration.of(ranges(net), 8)).network();
        DeviceModel host = new Computing(host(), f -> true);
        DeviceModel floatGpu = gpu(200e9, 20e-6, 10e9);
        DeviceModel int8Gpu = new Computing(gpu(200e9, 20e-6, 10e9), f -> f instanceof Int8Format);

        Plan onHost = new Partitioner(List.of(host, floatGpu)).plan(q, 64, Placement.NONE);
        assertTrue(onHost.steps().stream().allMatch(s -> s.device().equals("jvm")), onHost.table());
        String m = assertThrows(ModelException.class, () -> new Partitioner(List.of(host, floatGpu)).plan(q, 64,
                Placement.parse("conv1=opencl:0"))).getMessage();
        assertTrue(m.contains("layer 'conv1' (conv2d, int8) is pinned to 'opencl:0', which does not compute int8"), m);

        Plan p = new Partitioner(List.of(host, int8Gpu)).plan(q, 64, Placement.NONE);
        assertEquals("opencl:0", p.step("conv1").device());
        assertEquals("jvm", p.step("softmax").device(), "softmax writes float32, which the device does not compute");
        assertEquals(1, p.elementBytes());
        assertEquals(64L * 784, p.step("conv1").bytesMoved(), "int8 input: one byte an element");

        m = assertThrows(ModelException.class, () -> new Partitioner(List.of(new Computing(host(),
                f -> f instanceof F32))).plan(q, 1, Placement.NONE)).getMessage();
        assertTrue(m.contains("no device supports layer 'conv1' (conv2d) in int8"), m);
    }

    /** [0, 1] for every tensor of a network. */
    private static Map<String, Calibration.Range> ranges(Network net) {
        Map<String, Calibration.Range> r = new HashMap<>();
        r.put(Network.INPUT, new Calibration.Range(0, 1));
        net.nodes().forEach(n -> r.put(n.name(), new Calibration.Range(0, 1)));
        return r;
    }
}
