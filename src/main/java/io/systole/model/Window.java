package io.systole.model;

/**
 * The sliding window of a convolution or pooling layer: kernel (kH, kW), stride, zero padding
 * on each side, and dilation. Output size per axis, the one formula every engine uses:
 * {@code out = floor((in + 2*pad - dilation*(k - 1) - 1) / stride) + 1}.
 */
public record Window(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {

    /** Output extent along one axis; throws naming the layer when the window does not fit. */
    public static int outSize(String layer, String axis, int in, int k, int stride, int pad, int dilation) {
        int span = dilation * (k - 1) + 1;
        if (in + 2 * pad < span) {
            throw new ModelException("layer '" + layer + "': kernel " + axis + " " + k
                    + (dilation > 1 ? " (dilation " + dilation + ", span " + span + ")" : "")
                    + " is larger than the padded input " + axis + " " + (in + 2 * pad)
                    + " (input " + in + " + 2*padding " + pad + ")");
        }
        return (in + 2 * pad - span) / stride + 1;
    }

    /** Checks every field is in range, naming the layer and the field otherwise. */
    public Window validate(String layer) {
        positive(layer, "kernel height", kh);
        positive(layer, "kernel width", kw);
        positive(layer, "stride height", sh);
        positive(layer, "stride width", sw);
        positive(layer, "dilation height", dh);
        positive(layer, "dilation width", dw);
        if (ph < 0 || pw < 0) {
            throw new ModelException("layer '" + layer + "': padding must be >= 0, got " + ph + "x" + pw);
        }
        return this;
    }

    static void positive(String layer, String field, long v) {
        if (v <= 0) {
            throw new ModelException("layer '" + layer + "': " + field + " must be positive, got " + v);
        }
    }

    public int outH(String layer, int inH) {
        return outSize(layer, "height", inH, kh, sh, ph, dh);
    }

    public int outW(String layer, int inW) {
        return outSize(layer, "width", inW, kw, sw, pw, dw);
    }
}
