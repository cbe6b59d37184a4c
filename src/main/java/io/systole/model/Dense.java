package io.systole.model;

import java.util.List;

/**
 * Fully connected layer: y = W x + b with weight (out, in) and bias (out). An image input is
 * read in its flattened C-order (C, H, W) layout.
 */
public final class Dense implements Layer {
    private final String name;
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    private Dense(Builder b) {
        this.name = Layer.checkName(b.name);
        Window.positive(name, "input features", b.in);
        Window.positive(name, "output features", b.out);
        this.inFeatures = b.in;
        this.outFeatures = b.out;
        this.weight = b.weight != null ? b.weight.requireShape(name, "weight", b.out, b.in) : new Parameter(name + ".weight", b.out, b.in);
        this.bias = !b.bias ? null : b.biasParameter != null ? b.biasParameter.requireShape(name, "bias", b.out)
                : new Parameter(name + ".bias", b.out);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "dense";
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    /** (out, in). */
    public Parameter weight() {
        return weight;
    }

    /** (out), or null without bias. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.getFirst();
        if (in.size() != inFeatures) {
            throw new ModelException("layer '" + name + "': expects " + inFeatures + " input features, got "
                    + in.size() + " (input " + in + ")");
        }
        return Shape.flat(outFeatures);
    }

    /** Required: name, input and output features. Optional: bias, tied parameters. */
    public static final class Builder {
        private String name;
        private int in;
        private int out;
        private boolean bias = true;
        private Parameter weight;
        private Parameter biasParameter;

        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        public Builder setInFeatures(int n) {
            this.in = n;
            return this;
        }

        public Builder setOutFeatures(int n) {
            this.out = n;
            return this;
        }

        public Builder optBias(boolean on) {
            this.bias = on;
            return this;
        }

        public Builder optWeight(Parameter p) {
            this.weight = p;
            return this;
        }

        public Builder optBiasParameter(Parameter p) {
            this.biasParameter = p;
            return this;
        }

        public Dense build() {
            return new Dense(this);
        }
    }
}
