package io.systole.model;

import java.util.List;

/** Elementwise sum of two inputs of equal shape (a residual join in a DAG). */
public record Add(String name) implements Layer {
    public Add {
        Layer.checkName(name);
    }

    @Override
    public String type() {
        return "add";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        if (!inputs.get(0).equals(inputs.get(1))) {
            throw new ModelException("layer '" + name + "': inputs must have equal shapes, got " + inputs.get(0)
                    + " and " + inputs.get(1));
        }
        return inputs.get(0);
    }
}
