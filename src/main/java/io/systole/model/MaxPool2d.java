package io.systole.model;

/** Max pooling: the largest element of each window. */
public final class MaxPool2d extends Pool2d {
    private MaxPool2d(Builder b) {
        super(b, false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** See {@link Pool2d.Builder}. */
    public static final class Builder extends Pool2d.Builder<Builder> {
        public MaxPool2d build() {
            return new MaxPool2d(this);
        }
    }
}
