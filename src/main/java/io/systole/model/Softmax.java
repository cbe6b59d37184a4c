package io.systole.model;

import java.util.List;

/** Softmax over the features of a vector input. */
public record Softmax(String name) implements Layer {
    public Softmax {
        Layer.checkName(name);
    }

    @Override
    public String type() {
        return "softmax";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.getFirst();
        if (in.isImage()) {
            throw new ModelException("layer '" + name + "': expects a vector input, got an image " + in
                    + " (add a flatten layer before it)");
        }
        return in;
    }
}
