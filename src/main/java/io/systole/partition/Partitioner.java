package io.systole.partition;

import io.systole.arith.F32;
import io.systole.arith.NumberFormat;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Layer;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.quant.QuantizedNetwork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Chooses a device for every node so that the network's estimated time is least (see the
 * package description for the cost model and the dynamic programme). Convolution and pooling
 * are restricted to accelerators whenever one supports them, unless pinned; pins are honoured
 * and checked against what the device supports.
 */
public final class Partitioner {
    /** The id of the host device, where the network input starts and its output ends. */
    public static final String HOST = "jvm";

    private final List<DeviceModel> devices;

    public Partitioner(List<DeviceModel> devices) {
        if (devices.stream().noneMatch(d -> d.id().equals(HOST))) {
            throw new IllegalArgumentException("the device list must include the host device '" + HOST + "'");
        }
        this.devices = List.copyOf(devices);
    }

    private DeviceModel device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow(() -> new ModelException(
                "no device '" + id + "'; available: " + String.join(", ", devices.stream().map(DeviceModel::id).toList())));
    }

    /** Devices a node whose values are in {@code formats} may run on. */
    List<DeviceModel> candidates(Network.Node node, Set<NumberFormat> formats, Placement pins) {
        Layer l = node.layer();
        String pin = pins.pinFor(node);
        if (pin != null) {
            DeviceModel d = device(pin);
            if (!d.supports(l)) {
                throw new ModelException("layer '" + node.name() + "' (" + l.type() + ") is pinned to '" + pin
                        + "', which does not support it");
            }
            List<String> missing = formats.stream().filter(f -> !d.computes(f)).map(NumberFormat::toString).toList();
            if (!missing.isEmpty()) {
                throw new ModelException("layer '" + node.name() + "' (" + l.type() + ", " + String.join(" and ",
                        formats.stream().map(NumberFormat::toString).toList()) + ") is pinned to '" + pin
                        + "', which does not compute " + String.join(" or ", missing));
            }
            return List.of(d);
        }
        List<DeviceModel> ok = devices.stream()
                .filter(d -> d.supports(l) && formats.stream().allMatch(d::computes)).toList();
        if (l instanceof Conv2d || l instanceof Pool2d) {
            List<DeviceModel> acc = ok.stream().filter(DeviceModel::accelerator).toList();
            if (!acc.isEmpty()) {
                return acc;
            }
        }
        if (ok.isEmpty()) {
            throw new ModelException("no device supports layer '" + node.name() + "' (" + l.type() + ") in "
                    + String.join(" and ", formats.stream().map(NumberFormat::toString).toList()));
        }
        return ok;
    }

    /**
     * Whether a node launches inside its producer's kernel when both share a device: a ReLU or
     * pooling right after a convolution (or after a ReLU that follows one), on an accelerator,
     * with the producer feeding only this node.
     */
    static boolean fusesIntoProducer(Network net, Network.Node node) {
        if (!(node.layer() instanceof ReLU || node.layer() instanceof Pool2d) || node.inputs().size() != 1) {
            return false;
        }
        String in = node.inputs().getFirst();
        if (in.equals(Network.INPUT) || net.nodes().stream().filter(n -> n.inputs().contains(in)).count() != 1) {
            return false;
        }
        Layer producer = net.node(in).layer();
        return producer instanceof Conv2d || producer instanceof Dense
                || (producer instanceof ReLU && fusesIntoProducer(net, net.node(in)) && node.layer() instanceof Pool2d);
    }

    /** Flatten is a view of its input on every device: no kernel, no launch. */
    private static boolean launches(Network.Node node) {
        return !(node.layer() instanceof Flatten);
    }

    private static double transfer(long bytes, DeviceModel from, DeviceModel to) {
        if (from == to) {
            return 0;
        }
        return bytes / from.linkBytesPerSecond() + bytes / to.linkBytesPerSecond();
    }

    /** Places every node of a float32 network for the given batch; tensor elements are {@code elementBytes} wide. */
    public Plan plan(Network net, int batch, int elementBytes, Placement pins) {
        return plan(net, n -> Set.of(F32.INSTANCE), batch, elementBytes, pins);
    }

    /**
     * Places every node of a quantized network for the given batch, each on a device that computes
     * its formats ({@link QuantizedNetwork#formats}); tensor elements are as wide as the input's
     * encoding (1 byte int8, 4 bytes raw fixed point).
     */
    public Plan plan(QuantizedNetwork q, int batch, Placement pins) {
        return plan(q.network(), q::formats, batch, q.activation(Network.INPUT).dtype().bytes(), pins);
    }

    private Plan plan(Network net, Function<Network.Node, Set<NumberFormat>> formats, int batch, int elementBytes,
            Placement pins) {
        pins.check(net);
        DeviceModel host = device(HOST);
        List<Network.Node> nodes = net.nodes();
        // best.get(node).get(device): least time of the node and everything it depends on
        Map<String, Map<DeviceModel, Double>> best = new HashMap<>();
        Map<String, Map<DeviceModel, List<DeviceModel>>> choice = new HashMap<>();
        best.put(Network.INPUT, Map.of(host, 0.0));
        for (Network.Node n : nodes) {
            Map<DeviceModel, Double> row = new HashMap<>();
            Map<DeviceModel, List<DeviceModel>> pick = new HashMap<>();
            boolean fusable = fusesIntoProducer(net, n);
            for (DeviceModel d : candidates(n, formats.apply(n), pins)) {
                double t = d.computeSeconds(net, n, batch);
                List<DeviceModel> from = new ArrayList<>();
                boolean fusedHere = false;
                for (String in : n.inputs()) {
                    long bytes = (long) batch * net.shapeOf(in).size() * elementBytes;
                    DeviceModel arg = null;
                    double min = Double.POSITIVE_INFINITY;
                    for (Map.Entry<DeviceModel, Double> e : best.get(in).entrySet()) {
                        double c = e.getValue() + transfer(bytes, e.getKey(), d);
                        if (c < min) {
                            min = c;
                            arg = e.getKey();
                        }
                    }
                    t += min;
                    from.add(arg);
                    fusedHere |= fusable && arg == d && d.accelerator();
                }
                t += fusedHere || !launches(n) ? 0 : d.launchSeconds();
                if (n == nodes.getLast()) {
                    t += transfer((long) batch * n.output().size() * elementBytes, d, host);
                }
                row.put(d, t);
                pick.put(d, from);
            }
            best.put(n.name(), row);
            choice.put(n.name(), pick);
        }
        Map<String, DeviceModel> assigned = assign(nodes, best, choice);
        return build(net, batch, elementBytes, assigned, host);
    }

    /** Walks back from the output, fixing each node's device as its first consumer chose it. */
    private static Map<String, DeviceModel> assign(List<Network.Node> nodes, Map<String, Map<DeviceModel, Double>> best,
            Map<String, Map<DeviceModel, List<DeviceModel>>> choice) {
        Map<String, DeviceModel> assigned = new HashMap<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Network.Node n = nodes.get(i);
            DeviceModel d = assigned.computeIfAbsent(n.name(), k -> best.get(k).entrySet().stream()
                    .min(Map.Entry.comparingByValue()).orElseThrow().getKey());
            List<DeviceModel> from = choice.get(n.name()).get(d);
            for (int j = 0; j < n.inputs().size(); j++) {
                if (!n.inputs().get(j).equals(Network.INPUT)) {
                    assigned.putIfAbsent(n.inputs().get(j), from.get(j));
                }
            }
        }
        return assigned;
    }

    private static Plan build(Network net, int batch, int elementBytes, Map<String, DeviceModel> assigned,
            DeviceModel host) {
        List<Plan.Step> steps = new ArrayList<>();
        Map<String, String> head = new HashMap<>();
        int stage = -1;
        DeviceModel prev = null;
        double total = 0;
        for (Network.Node n : net.nodes()) {
            DeviceModel d = assigned.get(n.name());
            if (d != prev) {
                stage++;
                prev = d;
            }
            long bytes = 0;
            double transfer = 0;
            for (String in : n.inputs()) {
                DeviceModel from = in.equals(Network.INPUT) ? host : assigned.get(in);
                if (from != d) {
                    long b = (long) batch * net.shapeOf(in).size() * elementBytes;
                    bytes += b;
                    transfer += transfer(b, from, d);
                }
            }
            if (n == net.nodes().getLast() && d != host) {
                long b = (long) batch * n.output().size() * elementBytes;
                bytes += b;
                transfer += transfer(b, d, host);
            }
            String in = n.inputs().getFirst();
            boolean fused = fusesIntoProducer(net, n) && d.accelerator() && assigned.get(in) == d;
            String group = fused ? head.get(in) : n.name();
            head.put(n.name(), group);
            double compute = d.computeSeconds(net, n, batch);
            double launch = fused || !launches(n) ? 0 : d.launchSeconds();
            steps.add(new Plan.Step(n, d.id(), stage, group, compute, launch, transfer, bytes));
            total += compute + launch + transfer;
        }
        return new Plan(net, batch, elementBytes, steps, total);
    }
}
