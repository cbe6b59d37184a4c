package io.systole.model;

/** Average pooling: the window's sum, in window order, divided once by the count. */
public final class AvgPool2d extends Pool2d {
    private AvgPool2d(Builder b) {
        super(b, b.countIncludePad);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** See {@link Pool2d.Builder}; optionally {@code optCountIncludePad(false)}. */
    public static final class Builder extends Pool2d.Builder<Builder> {
        private boolean countIncludePad = true;

        public Builder optCountIncludePad(boolean on) {
            this.countIncludePad = on;
            return this;
        }

        public AvgPool2d build() {
            return new AvgPool2d(this);
        }
    }
}
