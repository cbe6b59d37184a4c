package io.systole.model;

import java.util.List;

/** (C, H, W) to (C*H*W), C order; a vector passes unchanged. */
public record Flatten(String name) implements Layer {
    public Flatten {
        Layer.checkName(name);
    }

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Shape.flat(Math.toIntExact(inputs.getFirst().size()));
    }
}
