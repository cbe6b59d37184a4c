package io.systole.partition;

import io.systole.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A placement of every node on a device, with its estimated times. Consecutive nodes on one
 * device form a stage, inside which tensors stay resident; a convolution followed by its ReLU
 * and pooling on one accelerator forms a fused group that launches once.
 *
 * @param network      the network placed
 * @param batch        the batch size the estimates are for
 * @param elementBytes bytes per tensor element of the data format
 * @param steps        one per node, in node order
 * @param totalSeconds the estimated time of the whole network, transfers included
 */
public record Plan(Network network, int batch, int elementBytes, List<Step> steps, double totalSeconds) {
    public Plan {
        steps = List.copyOf(steps);
    }

    /**
     * One node's placement.
     *
     * @param node            the node
     * @param device          device id
     * @param stage           index of the stage it belongs to
     * @param fusedWith       name of the node that heads its fused group (itself when it heads one
     *                        or is not fused)
     * @param computeSeconds  estimated compute time
     * @param launchSeconds   launch overhead charged to it (0 inside a fused group)
     * @param transferSeconds time of the tensors crossing into it (and out, for the last node)
     * @param bytesMoved      bytes crossing between devices into it (and out, for the last node)
     */
    public record Step(Network.Node node, String device, int stage, String fusedWith, double computeSeconds,
            double launchSeconds, double transferSeconds, long bytesMoved) {
        public double seconds() {
            return computeSeconds + launchSeconds + transferSeconds;
        }

        public boolean fused() {
            return !fusedWith.equals(node.name());
        }
    }

    /** Consecutive steps on one device. */
    public record Stage(int index, String device, List<Step> steps) {
    }

    public Step step(String nodeName) {
        return steps.stream().filter(s -> s.node().name().equals(nodeName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node '" + nodeName + "' in the plan"));
    }

    public List<Stage> stages() {
        List<Stage> out = new ArrayList<>();
        List<Step> cur = new ArrayList<>();
        for (Step s : steps) {
            if (!cur.isEmpty() && cur.getFirst().stage() != s.stage()) {
                out.add(new Stage(cur.getFirst().stage(), cur.getFirst().device(), List.copyOf(cur)));
                cur.clear();
            }
            cur.add(s);
        }
        out.add(new Stage(cur.getFirst().stage(), cur.getFirst().device(), List.copyOf(cur)));
        return out;
    }

    /** Total bytes crossing between devices. */
    public long bytesMoved() {
        return steps.stream().mapToLong(Step::bytesMoved).sum();
    }

    /** A readable table: layer, type, device, stage, fused group, estimated time, bytes moved. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-12s %-10s %-10s %5s %-10s %12s %12s%n";
        sb.append(String.format(Locale.ROOT, fmt, "layer", "type", "device", "stage", "fused", "est. time", "bytes moved"));
        for (Step s : steps) {
            sb.append(String.format(Locale.ROOT, fmt, s.node().name(), s.node().layer().type(), s.device(), s.stage(),
                    s.fused() ? "+" + s.fusedWith() : "", micros(s.seconds()), String.format("%,d", s.bytesMoved())));
        }
        sb.append(String.format(Locale.ROOT, "total %s estimated, %,d bytes between devices, %d stage(s), batch %d%n",
                micros(totalSeconds), bytesMoved(), stages().size(), batch));
        return sb.toString();
    }

    private static String micros(double seconds) {
        return String.format(Locale.ROOT, "%.1f us", seconds * 1e6);
    }

    /** Graphviz DOT: one cluster per stage, edges labelled with the bytes that cross devices. */
    public String dot() {
        StringBuilder sb = new StringBuilder("digraph plan {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n");
        sb.append("  \"input\" [shape=ellipse];\n");
        for (Stage st : stages()) {
            sb.append("  subgraph cluster_").append(st.index()).append(" {\n    label=\"stage ").append(st.index())
                    .append(": ").append(st.device()).append("\";\n");
            for (Step s : st.steps()) {
                sb.append("    \"").append(s.node().name()).append("\" [label=\"").append(s.node().name()).append("\\n")
                        .append(s.node().layer().type()).append("\\n").append(micros(s.seconds())).append("\"];\n");
            }
            sb.append("  }\n");
        }
        for (Step s : steps) {
            for (String in : s.node().inputs()) {
                String from = in.equals(Network.INPUT) ? "host" : step(in).device();
                boolean crosses = !from.equals(s.device());
                long bytes = crosses ? (long) batch * network.shapeOf(in).size() * elementBytes : 0;
                sb.append("  \"").append(in).append("\" -> \"").append(s.node().name()).append('"');
                if (crosses) {
                    sb.append(" [color=red, label=\"").append(String.format("%,d B", bytes)).append("\"]");
                }
                sb.append(";\n");
            }
        }
        return sb.append("}\n").toString();
    }
}
