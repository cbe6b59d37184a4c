package io.systole.model;

import java.util.List;

/** max(0, x), elementwise; any shape. */
public record ReLU(String name) implements Layer {
    public ReLU {
        Layer.checkName(name);
    }

    @Override
    public String type() {
        return "relu";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return inputs.getFirst();
    }
}
