package io.systole.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A network: a DAG of nodes in topological order, each applying a {@link Layer} to the outputs of
 * earlier nodes (or to the network input, named {@value #INPUT}). The last node is the output.
 * One layer may be applied at several nodes (its parameters are then shared); distinct layers
 * may also share a {@link Parameter}. Shapes are inferred and checked when the network is built.
 */
public final class Network {
    /** The name by which nodes refer to the network input. */
    public static final String INPUT = "input";

    /** One application of a layer. */
    public record Node(String name, Layer layer, List<String> inputs, Shape output) {
    }

    private final String name;
    private final Shape input;
    private final List<Node> nodes;

    private Network(String name, Shape input, List<Node> nodes) {
        this.name = name;
        this.input = input;
        this.nodes = List.copyOf(nodes);
    }

    public static Builder builder(String name, Shape input) {
        return new Builder(name, input);
    }

    public String name() {
        return name;
    }

    /** Shape of one input sample. */
    public Shape inputShape() {
        return input;
    }

    public Shape outputShape() {
        return nodes.getLast().output();
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(String nodeName) {
        for (Node n : nodes) {
            if (n.name().equals(nodeName)) {
                return n;
            }
        }
        throw new ModelException("network '" + name + "' has no node '" + nodeName + "'");
    }

    /** The shape flowing out of a node, or the input shape for {@value #INPUT}. */
    public Shape shapeOf(String nodeName) {
        return nodeName.equals(INPUT) ? input : node(nodeName).output();
    }

    /** Distinct layers, in order of first use. */
    public List<Layer> layers() {
        Map<Layer, Boolean> seen = new IdentityHashMap<>();
        List<Layer> out = new ArrayList<>();
        for (Node n : nodes) {
            if (seen.put(n.layer(), Boolean.TRUE) == null) {
                out.add(n.layer());
            }
        }
        return out;
    }

    /** Distinct parameters (by identity), in order of first use. */
    public List<Parameter> parameters() {
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Parameter> out = new ArrayList<>();
        for (Layer l : layers()) {
            for (Parameter p : l.parameters()) {
                if (seen.put(p, Boolean.TRUE) == null) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** Whether the nodes form a simple chain, each fed by the one before. */
    public boolean isSequential() {
        String prev = INPUT;
        for (Node n : nodes) {
            if (n.inputs().size() != 1 || !n.inputs().getFirst().equals(prev)) {
                return false;
            }
            prev = n.name();
        }
        return true;
    }

    /**
     * Fills every parameter deterministically for a seed: weights He-uniform over their fan-in
     * (every dimension after the first), biases zero.
     */
    public Network initialise(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Parameter p : parameters()) {
            int[] s = p.shape();
            int fanIn = 1;
            for (int i = 1; i < s.length; i++) {
                fanIn *= s[i];
            }
            p.initialise(s.length == 1 ? 0 : fanIn, rnd.split());
        }
        return this;
    }

    @Override
    public String toString() {
        return "Network " + name + " (" + input + " -> " + outputShape() + ", " + nodes.size() + " nodes)";
    }

    /** Adds nodes in order; each must name inputs that already exist. */
    public static final class Builder {
        private final String name;
        private final Shape input;
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, Shape> shapes = new LinkedHashMap<>();
        private final Map<String, Layer> layersByName = new HashMap<>();
        private final Map<String, Parameter> paramsByName = new HashMap<>();

        private Builder(String name, Shape input) {
            if (name == null || name.isBlank()) {
                throw new ModelException("a network needs a name");
            }
            for (int d : input.dims()) {
                if (d <= 0) {
                    throw new ModelException("network '" + name + "': input shape " + input + " must be positive");
                }
            }
            this.name = name;
            this.input = input;
            shapes.put(INPUT, input);
        }

        /** Applies a layer to the previous node's output (the network input for the first). */
        public Builder add(Layer layer) {
            String prev = nodes.isEmpty() ? INPUT : nodes.getLast().name();
            return addNode(null, layer, prev);
        }

        /** Applies a layer to the named nodes' outputs. */
        public Builder add(Layer layer, String... inputs) {
            return addNode(null, layer, inputs);
        }

        /**
         * Applies a layer at a node of the given name. A null name means the layer's name for its
         * first use and {@code layer#k} for its k-th use.
         */
        public Builder addNode(String nodeName, Layer layer, String... inputs) {
            Layer known = layersByName.get(layer.name());
            if (known != null && known != layer) {
                throw new ModelException("network '" + name + "': two different layers are named '" + layer.name() + "'");
            }
            for (Parameter p : layer.parameters()) {
                Parameter q = paramsByName.putIfAbsent(p.name(), p);
                if (q != null && q != p) {
                    throw new ModelException("network '" + name + "': two different parameters are named '" + p.name() + "'");
                }
            }
            layersByName.put(layer.name(), layer);
            String n = nodeName != null ? nodeName : uniqueName(layer.name());
            if (shapes.containsKey(n)) {
                throw new ModelException("network '" + name + "': node name '" + n + "' is used twice");
            }
            if (inputs.length != layer.arity()) {
                throw new ModelException("layer '" + layer.name() + "' takes " + layer.arity() + " input(s), got "
                        + inputs.length);
            }
            List<Shape> in = new ArrayList<>();
            for (String i : inputs) {
                Shape s = shapes.get(i);
                if (s == null) {
                    throw new ModelException("node '" + n + "': input '" + i + "' is not an earlier node or '" + INPUT + "'");
                }
                in.add(s);
            }
            Shape out = layer.outputShape(in);
            shapes.put(n, out);
            nodes.add(new Node(n, layer, List.of(inputs), out));
            return this;
        }

        private String uniqueName(String base) {
            if (!shapes.containsKey(base)) {
                return base;
            }
            int k = 2;
            while (shapes.containsKey(base + "#" + k)) {
                k++;
            }
            return base + "#" + k;
        }

        public Network build() {
            if (nodes.isEmpty()) {
                throw new ModelException("network '" + name + "' has no layers");
            }
            return new Network(name, input, Collections.unmodifiableList(nodes));
        }
    }
}
