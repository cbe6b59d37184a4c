package io.systole.model;

import java.util.List;

/**
 * 2-D max or average pooling, per channel. Output (C, outH, outW) with the convolution's size
 * formula (dilation 1). Padding is at most half the kernel, so every window holds at least one
 * input element; padded positions contribute the format's zero to an average (and count in its
 * divisor when {@code countIncludePad}, the default) and never win a max.
 */
public sealed class Pool2d implements Layer permits MaxPool2d, AvgPool2d {
    private final String name;
    private final Window window;
    private final boolean countIncludePad;

    Pool2d(Builder<?> b, boolean countIncludePad) {
        this.name = Layer.checkName(b.name);
        int sh = b.sh == 0 ? b.kh : b.sh;
        int sw = b.sw == 0 ? b.kw : b.sw;
        this.window = new Window(b.kh, b.kw, sh, sw, b.ph, b.pw, 1, 1).validate(name);
        if (2 * b.ph > b.kh || 2 * b.pw > b.kw) {
            throw new ModelException("layer '" + name + "': padding " + b.ph + "x" + b.pw
                    + " must be at most half the kernel " + b.kh + "x" + b.kw);
        }
        this.countIncludePad = countIncludePad;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return this instanceof MaxPool2d ? "maxpool2d" : "avgpool2d";
    }

    public Window window() {
        return window;
    }

    /** Average pooling only: whether padded positions count in the divisor. */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = Layer.image(name, inputs.getFirst());
        return Shape.chw(in.c(), window.outH(name, in.h()), window.outW(name, in.w()));
    }

    /** Required: name, kernel. Optional: stride (default: the kernel), padding. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> {
        private String name;
        private int kh;
        private int kw;
        private int sh;
        private int sw;
        private int ph;
        private int pw;

        public B setName(String name) {
            this.name = name;
            return (B) this;
        }

        public B setKernel(int k) {
            return setKernel(k, k);
        }

        public B setKernel(int kh, int kw) {
            this.kh = kh;
            this.kw = kw;
            return (B) this;
        }

        public B optStride(int s) {
            return optStride(s, s);
        }

        public B optStride(int sh, int sw) {
            this.sh = sh;
            this.sw = sw;
            return (B) this;
        }

        public B optPadding(int p) {
            return optPadding(p, p);
        }

        public B optPadding(int ph, int pw) {
            this.ph = ph;
            this.pw = pw;
            return (B) this;
        }
    }
}
