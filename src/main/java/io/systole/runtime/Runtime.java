package io.systole.runtime;

import io.systole.backend.Backend;
import io.systole.backend.Stage;
import io.systole.model.Network;
import io.systole.partition.Plan;
import io.systole.quant.QuantizedNetwork;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Executes a {@link Plan} on its backends. */
public final class Runtime {
    private final Map<String, Backend> backends = new LinkedHashMap<>();

    public Runtime(List<Backend> backends) {
        backends.forEach(b -> this.backends.put(b.id(), b));
    }

    /**
     * A finished run.
     *
     * @param output      the network's output
     * @param values      outputs by node name: every node when kept, else only the output
     * @param timings     every node's timing, in node order
     * @param wallSeconds wall-clock time of the whole run
     */
    public record Execution(Tensor output, Map<String, Tensor> values, List<Backend.NodeTiming> timings,
            double wallSeconds) {
    }

    /**
     * Runs the plan of a float32 network on a batch. With {@code keepAll} every node's output
     * comes back to the host (for verification); otherwise only tensors that cross to another
     * device do.
     */
    public Execution execute(Plan plan, Tensor input, boolean keepAll) {
        ReferenceEngine.checkInput(plan.network(), input);
        return execute(plan, null, input, keepAll, System.nanoTime());
    }

    /**
     * Runs the plan of a quantized network ({@link io.systole.partition.Partitioner#plan(QuantizedNetwork,
     * int, io.systole.partition.Placement)}) on a float32 batch, quantized with the input's encoding.
     * Values and output are in their encodings ({@link QuantizedNetwork#activation}); the wall time
     * includes quantizing the input.
     */
    public Execution execute(Plan plan, QuantizedNetwork q, Tensor input, boolean keepAll) {
        if (q.network() != plan.network()) {
            throw new IllegalArgumentException("the plan is for network '" + plan.network().name()
                    + "', not for the quantized network '" + q.network().name() + "'");
        }
        long t0 = System.nanoTime();
        return execute(plan, q, q.quantizeInput(input), keepAll, t0);
    }

    /** Runs the stages on the input (float32, or encoded for a quantized network q). */
    private Execution execute(Plan plan, QuantizedNetwork q, Tensor input, boolean keepAll, long t0) {
        Network net = plan.network();
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Network.INPUT, input);
        List<Backend.NodeTiming> timings = new ArrayList<>();
        for (Plan.Stage ps : plan.stages()) {
            Backend b = backends.get(ps.device());
            if (b == null) {
                throw new IllegalStateException("the plan places stage " + ps.index() + " on '" + ps.device()
                        + "', which this runtime does not have");
            }
            List<Network.Node> nodes = ps.steps().stream().map(Plan.Step::node).toList();
            for (List<Network.Node> run : cut(nodes)) {
                Stage stage = q == null ? Stage.of(net, run) : Stage.of(q, run);
                Set<String> wanted = new HashSet<>();
                for (Network.Node n : run) {
                    if (keepAll || n == net.nodes().getLast() || readOutside(net, n, run)) {
                        wanted.add(n.name());
                    }
                }
                Backend.StageResult r = b.run(stage, values.get(stage.input()), wanted);
                values.putAll(r.outputs());
                timings.addAll(r.timings());
            }
        }
        Tensor out = values.get(net.nodes().getLast().name());
        if (!keepAll) {
            values.keySet().retainAll(Set.of(net.nodes().getLast().name()));
        }
        values.remove(Network.INPUT);
        return new Execution(out, values, timings, (System.nanoTime() - t0) / 1e9);
    }

    /** Cuts a stage's nodes where a node reads a second tensor from outside the piece so far. */
    static List<List<Network.Node>> cut(List<Network.Node> nodes) {
        List<List<Network.Node>> out = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= nodes.size(); i++) {
            if (i == nodes.size() || !Stage.readsOnly(nodes.get(i), nodes.get(from).inputs().getFirst(),
                    nodes.subList(from, i))) {
                out.add(nodes.subList(from, i));
                from = i;
            }
        }
        return out;
    }

    private static boolean readOutside(Network net, Network.Node n, List<Network.Node> run) {
        return net.nodes().stream().anyMatch(c -> c.inputs().contains(n.name()) && !run.contains(c));
    }
}
