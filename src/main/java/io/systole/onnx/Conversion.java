package io.systole.onnx;

import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Layer;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Pool2d;
import io.systole.model.Shape;
import io.systole.onnx.OnnxProto.NodeProto;
import io.systole.onnx.Value.Activation;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The state of one import: what each ONNX value name stands for, the network nodes made so far
 * (a bias-less layer can still take the bias of a following Add), parameters by initializer,
 * and the ONNX node being converted.
 */
final class Conversion {
    /** A network node under construction. */
    static final class Pending {
        final String name;
        Layer layer;
        final List<String> inputs;
        /** The ONNX value the node's output was first defined as. */
        final String value;

        Pending(String name, Layer layer, List<String> inputs, String value) {
            this.name = name;
            this.layer = layer;
            this.inputs = inputs;
            this.value = value;
        }
    }

    /** The ai.onnx opset the model imports; operator defaults depend on it. */
    final int opset;
    /** The graph input's fixed batch size, or {@link Constant#BATCH} when it is symbolic. */
    final long staticBatch;
    private final Map<String, Integer> consumers;
    private final Map<String, String> layerClaims;
    private final Map<String, Value> values = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Map<String, Pending> byName = new HashMap<>();
    private final Set<String> nodeNames = new HashSet<>();
    private final Map<String, Layer> layers = new HashMap<>();
    private final Set<String> layerNames = new HashSet<>();
    private final Map<String, Parameter> paramsByKey = new HashMap<>();
    private final Set<String> paramNames = new HashSet<>();
    private NodeProto node;
    private int index;

    /**
     * {@code consumers}: how many imported nodes (and graph outputs) read each value;
     * {@code layerClaims}: layer names the model's metadata gives to node names.
     */
    Conversion(int opset, long staticBatch, Map<String, Integer> consumers, Map<String, String> layerClaims) {
        this.opset = opset;
        this.staticBatch = staticBatch;
        this.consumers = consumers;
        this.layerClaims = layerClaims;
        nodeNames.add(Network.INPUT);
    }

    void define(String name, Value v) {
        values.put(name, v);
    }

    Value value(String name) {
        return values.get(name);
    }

    /** The network node (or {@link Network#INPUT}) each ONNX value computed at run time stands for. */
    Map<String, String> activationNodes() {
        Map<String, String> nodes = new HashMap<>();
        values.forEach((v, a) -> {
            if (a instanceof Activation act) {
                nodes.put(v, act.node());
            }
        });
        return nodes;
    }

    /** Starts converting ONNX node number {@code i}. */
    void begin(NodeProto n, int i) {
        node = n;
        index = i;
    }

    NodeProto node() {
        return node;
    }

    Attributes attributes(String... known) throws Unsupported {
        return new Attributes(node, known);
    }

    boolean hasInput(int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty();
    }

    Value input(int i) throws Unsupported {
        if (!hasInput(i)) {
            throw new Unsupported("input " + i + " is missing");
        }
        Value v = values.get(node.getInput(i));
        if (v == null) {
            throw new Unsupported("input '" + node.getInput(i)
                    + "' is not the graph input, an initializer or the output of an earlier node");
        }
        if (v == Value.Unavailable.INSTANCE) {
            throw Unsupported.upstream();
        }
        return v;
    }

    /** Input i, which must be computed at run time. */
    Activation activation(int i) throws Unsupported {
        if (input(i) instanceof Activation a) {
            return a;
        }
        throw new Unsupported("input '" + node.getInput(i) + "' is a constant; " + node.getOpType()
                + " is imported only for a tensor computed from the network input");
    }

    /** Input i, which must be known at import time. */
    Constant constant(int i) throws Unsupported {
        if (input(i) instanceof Constant c) {
            return c;
        }
        throw new Unsupported("input '" + node.getInput(i)
                + "' is computed at run time; it must be an initializer or a constant");
    }

    /** Input i if the node has it, else null. */
    Constant optionalConstant(int i) throws Unsupported {
        return hasInput(i) ? constant(i) : null;
    }

    /** How many imported nodes and graph outputs read the node's output i. */
    int readers(int i) {
        return i < node.getOutputCount() ? consumers.getOrDefault(node.getOutput(i), 0) : 0;
    }

    /** Defines the node's output i. */
    void output(int i, Value v) {
        if (i < node.getOutputCount() && !node.getOutput(i).isEmpty()) {
            values.put(node.getOutput(i), v);
        }
    }

    /** Marks every output of the current node unavailable. */
    void fail() {
        for (int i = 0; i < node.getOutputCount(); i++) {
            output(i, Value.Unavailable.INSTANCE);
        }
    }

    /** The name of a fresh value derived from the node, for folded constants. */
    String outputName() {
        return node.getOutputCount() > 0 && !node.getOutput(0).isEmpty() ? node.getOutput(0) : onnxName();
    }

    private String onnxName() {
        return node.getName().isEmpty() ? node.getOpType() + "_" + index : node.getName();
    }

    /** Whether the model's metadata marks this node as part of the next layer rather than a layer. */
    boolean isImplicit() {
        return "".equals(layerClaims.get(node.getName()));
    }

    /**
     * The name for the layer of the current node: the one the metadata gives it (possibly an
     * existing layer, which {@link #add} then reuses), else the node name reduced to layer-name
     * characters and made unique.
     */
    String layerName() {
        String claim = layerClaims.get(node.getName());
        if (claim != null && !claim.isEmpty()) {
            return claim;
        }
        String base = onnxName().replaceAll("[^A-Za-z0-9_.\\-]+", "_").replaceAll("^_+|_+$", "");
        if (base.isEmpty()) {
            base = node.getOpType().toLowerCase() + "_" + index;
        }
        return unique(base, layerNames, "_");
    }

    private static String unique(String base, Set<String> taken, String sep) {
        String name = base;
        for (int k = 2; taken.contains(name); k++) {
            name = base + sep + k;
        }
        taken.add(name);
        return name;
    }

    /**
     * Applies a layer at a new network node fed by {@code inputs} and defines the ONNX node's
     * first output as that node's output. A layer with the name of an earlier one must equal it
     * and is then the same layer applied again.
     */
    Activation add(Layer layer, Activation... inputs) throws Unsupported {
        Layer known = layers.get(layer.name());
        if (known != null) {
            if (!sameLayer(known, layer)) {
                throw new Unsupported("the model's metadata names its layer '" + layer.name()
                        + "', but it differs from the earlier node of that layer");
            }
            layer = known;
        }
        List<Shape> shapes = new ArrayList<>();
        List<String> from = new ArrayList<>();
        for (Activation a : inputs) {
            shapes.add(a.shape());
            from.add(a.node());
        }
        Shape out = layer.outputShape(shapes);
        String name = unique(onnxName(), nodeNames, "_");
        Pending p = new Pending(name, layer, from, node.getOutputCount() > 0 ? node.getOutput(0) : "");
        pending.add(p);
        byName.put(name, p);
        layers.put(layer.name(), layer);
        layerNames.add(layer.name());
        Activation a = new Activation(name, out);
        output(0, a);
        return a;
    }

    /** The network node computing an activation, or null for the network input. */
    Pending producer(Activation a) {
        return byName.get(a.node());
    }

    /** Gives a network node another layer of the same name (a bias folded in). */
    void replace(Pending p, Layer layer) {
        p.layer = layer;
        layers.put(layer.name(), layer);
    }

    /** Whether {@code value} is the node's own output and only one node or graph output reads it. */
    boolean soleReader(String value, Pending p) {
        return value.equals(p.value) && consumers.getOrDefault(value, 0) == 1;
    }

    /** Whether no other network node applies this node's layer. */
    boolean soleUse(Pending p) {
        return pending.stream().filter(q -> q.layer == p.layer).count() == 1;
    }

    /** A parameter holding a constant's values as they are, shaped {@code shape}. */
    Parameter parameter(Constant src, int... shape) throws Unsupported {
        return parameter(src, "", shape, UnaryOperator.identity());
    }

    /**
     * A parameter holding {@code transform} of a constant's values (the transform must not change
     * its argument), shaped {@code shape}. One constant under one {@code variant} ("" for the
     * values as they are) is one parameter however many nodes use it: a shared initializer stays
     * a shared parameter. The first parameter made from a constant takes the constant's name.
     */
    Parameter parameter(Constant src, String variant, int[] shape, UnaryOperator<float[]> transform)
            throws Unsupported {
        String key = src.name() + "\u0000" + variant;
        Parameter p = paramsByKey.get(key);
        if (p == null) {
            if (src.size() != Tensor.count(shape)) {
                throw new Unsupported("tensor " + src + " has " + src.size() + " values; expected shape "
                        + Arrays.toString(shape));
            }
            String name = paramNames.contains(src.name()) ? unique(src.name() + "." + variant, paramNames, "_")
                    : unique(src.name(), paramNames, "_");
            p = new Parameter(name, transform.apply(src.floats()), shape);
            paramsByKey.put(key, p);
        }
        if (!Arrays.equals(p.shape(), shape)) {
            throw new Unsupported("tensor " + src + " is used here with shape " + Arrays.toString(shape)
                    + " and elsewhere with shape " + Arrays.toString(p.shape()));
        }
        return p;
    }

    /**
     * The network whose output is {@code output}: the nodes it depends on, in ONNX order (which
     * is topological, so the output node comes last).
     */
    Network build(String name, Shape input, Activation output) {
        Map<Pending, Boolean> live = new IdentityHashMap<>();
        List<String> todo = new ArrayList<>(List.of(output.node()));
        while (!todo.isEmpty()) {
            Pending p = byName.get(todo.removeLast());
            if (p != null && live.put(p, Boolean.TRUE) == null) {
                todo.addAll(p.inputs);
            }
        }
        Network.Builder b = Network.builder(name, input);
        for (Pending p : pending) {
            if (live.containsKey(p)) {
                b.addNode(p.name, p.layer, p.inputs.toArray(String[]::new));
            }
        }
        return b.build();
    }

    /** Equal configuration and the very same parameters. */
    static boolean sameLayer(Layer a, Layer b) {
        return switch (a) {
            case Conv2d x when b instanceof Conv2d y -> x.inChannels() == y.inChannels()
                    && x.outChannels() == y.outChannels() && x.groups() == y.groups() && x.window().equals(y.window())
                    && x.weight() == y.weight() && x.bias() == y.bias();
            case Dense x when b instanceof Dense y -> x.inFeatures() == y.inFeatures()
                    && x.outFeatures() == y.outFeatures() && x.weight() == y.weight() && x.bias() == y.bias();
            case Pool2d x when b instanceof Pool2d y -> (x instanceof AvgPool2d) == (y instanceof AvgPool2d)
                    && x.window().equals(y.window()) && x.countIncludePad() == y.countIncludePad();
            default -> a.equals(b);
        };
    }
}
