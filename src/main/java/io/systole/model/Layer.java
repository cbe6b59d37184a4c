package io.systole.model;

import java.util.List;

/**
 * One operation of a network. A layer object may be used at several places of a network; its
 * parameters are then shared between those uses. Layers are immutable apart from their
 * parameters' values.
 */
public sealed interface Layer permits Conv2d, Pool2d, ReLU, Flatten, Dense, Softmax, Add {
    /** Unique name within a network (parameters are stored under it). */
    String name();

    /** The type as written in model files: {@code conv2d}, {@code maxpool2d}, ... */
    String type();

    /** Number of inputs the layer takes. */
    default int arity() {
        return 1;
    }

    /** Infers the output shape, or throws a {@link ModelException} naming this layer. */
    Shape outputShape(List<Shape> inputs);

    /** The layer's parameters (weight first, then bias), possibly shared with other layers. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** Requires an image input and returns it. */
    static Shape image(String layer, Shape in) {
        if (!in.isImage()) {
            throw new ModelException("layer '" + layer + "': expects an image input (C, H, W), got a vector of "
                    + in.c() + " features");
        }
        return in;
    }

    /** A non-null, non-blank layer name, or an error. */
    static String checkName(String name) {
        if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new ModelException("layer name '" + name + "' is missing or not made of letters, digits, '_', '.', '-'");
        }
        return name;
    }
}
