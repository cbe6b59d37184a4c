package io.systole.model;

import java.util.List;

/**
 * 2-D convolution over NCHW input. Weight (outC, inC/groups, kH, kW), bias (outC). Output
 * (outC, outH, outW) with {@code outH = floor((H + 2*padH - dilH*(kH-1) - 1) / strideH) + 1},
 * likewise for the width. Output channel o of group g = o / (outC/groups) sees input channels
 * [g*inC/groups, (g+1)*inC/groups).
 */
public final class Conv2d implements Layer {
    private final String name;
    private final int inChannels;
    private final int outChannels;
    private final int groups;
    private final Window window;
    private final Parameter weight;
    private final Parameter bias;

    private Conv2d(Builder b) {
        this.name = Layer.checkName(b.name);
        Window.positive(name, "input channels", b.inChannels);
        Window.positive(name, "output channels", b.outChannels);
        Window.positive(name, "groups", b.groups);
        if (b.inChannels % b.groups != 0 || b.outChannels % b.groups != 0) {
            throw new ModelException("layer '" + name + "': groups " + b.groups + " must divide input channels "
                    + b.inChannels + " and output channels " + b.outChannels);
        }
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.groups = b.groups;
        this.window = new Window(b.kh, b.kw, b.sh, b.sw, b.ph, b.pw, b.dh, b.dw).validate(name);
        int[] wShape = {outChannels, inChannels / groups, b.kh, b.kw};
        this.weight = b.weight != null ? b.weight.requireShape(name, "weight", wShape) : new Parameter(name + ".weight", wShape);
        this.bias = !b.bias ? null : b.biasParameter != null
                ? b.biasParameter.requireShape(name, "bias", new int[] {outChannels})
                : new Parameter(name + ".bias", outChannels);
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
        return "conv2d";
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int groups() {
        return groups;
    }

    public Window window() {
        return window;
    }

    /** (outC, inC/groups, kH, kW). */
    public Parameter weight() {
        return weight;
    }

    /** (outC), or null without bias. */
    public Parameter bias() {
        return bias;
    }

    /** Length of one output's reduction: inC/groups * kH * kW. */
    public int reduction() {
        return inChannels / groups * window.kh() * window.kw();
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Layer.image(name, inputs.getFirst());
        if (in.c() != inChannels) {
            throw new ModelException("layer '" + name + "': expects " + inChannels + " input channels, got "
                    + in.c() + " (input " + in + ")");
        }
        return Shape.chw(outChannels, window.outH(name, in.h()), window.outW(name, in.w()));
    }

    /** Required: name, input and output channels, kernel. Optional: the rest. */
    public static final class Builder {
        private String name;
        private int inChannels;
        private int outChannels;
        private int kh;
        private int kw;
        private int sh = 1;
        private int sw = 1;
        private int ph;
        private int pw;
        private int dh = 1;
        private int dw = 1;
        private int groups = 1;
        private boolean bias = true;
        private Parameter weight;
        private Parameter biasParameter;

        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        public Builder setInChannels(int c) {
            this.inChannels = c;
            return this;
        }

        public Builder setOutChannels(int c) {
            this.outChannels = c;
            return this;
        }

        public Builder setKernel(int k) {
            return setKernel(k, k);
        }

        public Builder setKernel(int kh, int kw) {
            this.kh = kh;
            this.kw = kw;
            return this;
        }

        public Builder optStride(int s) {
            return optStride(s, s);
        }

        public Builder optStride(int sh, int sw) {
            this.sh = sh;
            this.sw = sw;
            return this;
        }

        public Builder optPadding(int p) {
            return optPadding(p, p);
        }

        public Builder optPadding(int ph, int pw) {
            this.ph = ph;
            this.pw = pw;
            return this;
        }

        public Builder optDilation(int d) {
            return optDilation(d, d);
        }

        public Builder optDilation(int dh, int dw) {
            this.dh = dh;
            this.dw = dw;
            return this;
        }

        public Builder optGroups(int g) {
            this.groups = g;
            return this;
        }

        public Builder optBias(boolean on) {
            this.bias = on;
            return this;
        }

        /** Ties this layer's weight to an existing parameter. */
        public Builder optWeight(Parameter p) {
            this.weight = p;
            return this;
        }

        /** Ties this layer's bias to an existing parameter. */
        public Builder optBiasParameter(Parameter p) {
            this.biasParameter = p;
            return this;
        }

        public Conv2d build() {
            return new Conv2d(this);
        }
    }
}
