package io.systole.backend;

import io.systole.model.Network;
import io.systole.quant.QuantizedNetwork;
import java.util.List;

/**
 * Consecutive nodes of a network that run on one device, fed by one tensor from outside
 * (another node's output or the network input), expressed as a network of their own whose
 * input is that tensor. Node names are kept. A stage of a quantized network carries it: its
 * nodes compute as {@link QuantizedNetwork} defines (array operands, encodings by node name), its
 * input and outputs are tensors in their encodings ({@link QuantizedNetwork#activation}).
 *
 * @param input     the outside node (or {@link Network#INPUT}) feeding the stage
 * @param network   the stage's nodes as a network
 * @param quantized the quantized network the nodes belong to, or {@code null} for float32
 */
public record Stage(String input, Network network, QuantizedNetwork quantized) {

    /**
     * The float32 stage of {@code nodes} (consecutive nodes of {@code whole}) whose only outside
     * input is the first node's first input.
     *
     * @throws IllegalArgumentException when a node reads another tensor from outside
     */
    public static Stage of(Network whole, List<Network.Node> nodes) {
        return of(whole, nodes, null);
    }

    /** As {@link #of(Network, List)}, for consecutive nodes of a quantized network. */
    public static Stage of(QuantizedNetwork q, List<Network.Node> nodes) {
        return of(q.network(), nodes, q);
    }

    private static Stage of(Network whole, List<Network.Node> nodes, QuantizedNetwork q) {
        String in = nodes.getFirst().inputs().getFirst();
        Network.Builder b = Network.builder(whole.name() + "/" + nodes.getFirst().name(), whole.shapeOf(in));
        for (int i = 0; i < nodes.size(); i++) {
            Network.Node n = nodes.get(i);
            if (!readsOnly(n, in, nodes.subList(0, i))) {
                throw new IllegalArgumentException("node '" + n.name() + "' reads a second tensor from outside its stage");
            }
            b.addNode(n.name(), n.layer(), n.inputs().stream().map(x -> x.equals(in) ? Network.INPUT : x)
                    .toArray(String[]::new));
        }
        return new Stage(in, b.build(), q);
    }

    /** Whether every input of {@code n} is {@code in} or one of {@code before}. */
    public static boolean readsOnly(Network.Node n, String in, List<Network.Node> before) {
        return n.inputs().stream().allMatch(x -> x.equals(in) || before.stream().anyMatch(b -> b.name().equals(x)));
    }

    public List<Network.Node> nodes() {
        return network.nodes();
    }

    /** The whole network's name of a tensor the stage reads: {@link #input} for {@link Network#INPUT}. */
    public String outside(String tensor) {
        return tensor.equals(Network.INPUT) ? input : tensor;
    }
}
