package io.systole.model;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter, unit and MAC accounting of a network, per node and in total.
 *
 * <p>For each node: output units (neurons) = C*H*W of its output; parameters with sharing = the
 * values of the layer's parameters that no earlier node already counted (so a tied parameter
 * counts once and the column sums to the total); parameters without sharing = a locally
 * connected layer where every output position has its own filter and bias, counted again at
 * every use ({@code outH*outW*outC*(K+1)} for a convolution with bias, K = inC/groups*kH*kW);
 * parameters of the fully connected equivalent = every input element wired to every output
 * unit plus a bias per unit ({@code inSize*units + units}); multiply-accumulates of one sample;
 * activation bytes = output units times 4 (float32).
 */
public record Accounting(List<Row> rows, Row total) {

    /** One node's figures; for the total, {@code node} is "total" and {@code output} is null. */
    public record Row(String node, String type, Shape output, long units, long params, long paramsUnshared,
            long paramsDense, long macs, long activationBytes, boolean tied) {
    }

    public static Accounting of(Network net) {
        Map<Parameter, Boolean> counted = new IdentityHashMap<>();
        List<Row> rows = new ArrayList<>();
        long units = 0;
        long params = 0;
        long unshared = 0;
        long dense = 0;
        long macs = 0;
        long bytes = 0;
        for (Network.Node n : net.nodes()) {
            Layer l = n.layer();
            long inSize = net.shapeOf(n.inputs().getFirst()).size();
            long out = n.output().size();
            long fresh = 0;
            boolean tied = false;
            for (Parameter p : l.parameters()) {
                if (counted.put(p, Boolean.TRUE) == null) {
                    fresh += p.size();
                } else {
                    tied = true;
                }
            }
            long rowUnshared;
            long rowDense;
            long rowMacs = macs(net, n);
            switch (l) {
                case Conv2d c -> {
                    long positions = (long) n.output().h() * n.output().w();
                    long perFilter = c.reduction() + (c.bias() != null ? 1 : 0);
                    rowUnshared = positions * c.outChannels() * perFilter;
                    rowDense = inSize * out + (c.bias() != null ? out : 0);
                }
                case Dense d -> {
                    rowUnshared = (long) d.inFeatures() * d.outFeatures() + (d.bias() != null ? d.outFeatures() : 0);
                    rowDense = rowUnshared;
                }
                default -> {
                    rowUnshared = 0;
                    rowDense = 0;
                }
            }
            rows.add(new Row(n.name(), l.type(), n.output(), out, fresh, rowUnshared, rowDense, rowMacs, out * 4, tied));
            units += out;
            params += fresh;
            unshared += rowUnshared;
            dense += rowDense;
            macs += rowMacs;
            bytes += out * 4;
        }
        return new Accounting(List.copyOf(rows),
                new Row("total", "", null, units, params, unshared, dense, macs, bytes, false));
    }

    /** Multiply-accumulates of one sample through a node: convolution and dense layers only. */
    public static long macs(Network net, Network.Node n) {
        return switch (n.layer()) {
            case Conv2d c -> n.output().size() * c.reduction();
            case Dense d -> (long) d.inFeatures() * d.outFeatures();
            default -> 0;
        };
    }

    /** How many times fewer parameters sharing needs than the locally connected equivalent. */
    public double sharingReduction() {
        return total.params() == 0 ? 1.0 : (double) total.paramsUnshared() / total.params();
    }

    public Row row(String node) {
        return rows.stream().filter(r -> r.node().equals(node)).findFirst()
                .orElseThrow(() -> new ModelException("no node '" + node + "' in the accounting"));
    }
}
