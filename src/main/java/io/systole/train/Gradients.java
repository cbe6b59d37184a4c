package io.systole.train;

import io.systole.model.Network;
import io.systole.model.Parameter;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One float32 gradient buffer per parameter, keyed by the parameter's identity, shaped like it.
 * A parameter used by several layers, or a layer applied at several nodes, has one buffer that
 * every use adds into: the gradient of a tied weight is the sum of the gradients of its uses.
 */
public final class Gradients {
    private final List<Parameter> parameters;
    private final Map<Parameter, float[]> buffers = new IdentityHashMap<>();

    /** Zeroed buffers for the distinct parameters of a network. */
    public Gradients(Network net) {
        this(net.parameters());
    }

    /** Zeroed buffers for distinct parameters. */
    public Gradients(List<Parameter> parameters) {
        this.parameters = List.copyOf(parameters);
        for (Parameter p : this.parameters) {
            if (buffers.put(p, new float[p.size()]) != null) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is listed twice");
            }
        }
    }

    /** The parameters, in the order given. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The gradient buffer of a parameter (row-major, its shape); mutable. */
    public float[] of(Parameter p) {
        float[] g = buffers.get(p);
        if (g == null) {
            throw new IllegalArgumentException("no gradient buffer for parameter '" + p.name() + "'");
        }
        return g;
    }

    public void zero() {
        for (float[] g : buffers.values()) {
            Arrays.fill(g, 0f);
        }
    }

    /** Adds another set of gradients over the same parameters, elementwise. */
    public void add(Gradients other) {
        for (Parameter p : parameters) {
            float[] a = of(p);
            float[] b = other.of(p);
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
    }
}
