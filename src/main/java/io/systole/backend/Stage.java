package io.systole.backend;

import io.systole.model.Network;
import java.util.List;

/**
 * Consecutive nodes of a network that run on one device, fed by one tensor from outside
 * (another node's output or the network input), expressed as a network of their own whose
 * input is that tensor. Node names are kept.
 *
 * @param input   the outside node (or {@link Network#INPUT}) feeding the stage
 * @param network the stage's nodes as a network
 */
public record Stage(String input, Network network) {

    /**
     * The stage of {@code nodes} (consecutive nodes of {@code whole}) whose only outside input is
     * the first node's first input.
     *
     * @throws IllegalArgumentException when a node reads another tensor from outside
     */
    public static Stage of(Network whole, List<Network.Node> nodes) {
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
        return new Stage(in, b.build());
    }

    /** Whether every input of {@code n} is {@code in} or one of {@code before}. */
    public static boolean readsOnly(Network.Node n, String in, List<Network.Node> before) {
        return n.inputs().stream().allMatch(x -> x.equals(in) || before.stream().anyMatch(b -> b.name().equals(x)));
    }

    public List<Network.Node> nodes() {
        return network.nodes();
    }
}
