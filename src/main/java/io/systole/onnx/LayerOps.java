package io.systole.onnx;

import io.systole.model.Add;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Layer;
import io.systole.model.MaxPool2d;
import io.systole.model.Parameter;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.model.Window;
import io.systole.onnx.Value.Activation;
import java.util.Arrays;

/**
 * Importers of the ONNX operators that become network layers, or pass a run-time tensor on
 * unchanged (Identity, Dropout at inference, a Reshape to the same shape). Each reads and checks
 * its attributes before its run-time input, so a node fed by a failed node still reports its own
 * attribute problems.
 */
final class LayerOps {
    private LayerOps() {
    }

    /** Conv: X (N, C, H, W), W (M, C/group, kH, kW), optional B (M) -> Conv2d. */
    static void conv(Conversion c) throws Unsupported {
        Attributes a = c.attributes("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        Constant w = c.constant(1);
        if (w.rank() != 4) {
            throw new Unsupported("weight " + w + " is not 4-D; only 2-D convolution is supported");
        }
        int[] wd = w.intDims();
        int[] k = {wd[2], wd[3]};
        long[] ks = a.integers("kernel_shape");
        if (ks != null && !Arrays.equals(ks, new long[] {k[0], k[1]})) {
            throw new Unsupported("attribute 'kernel_shape' = " + Arrays.toString(ks) + " disagrees with weight " + w);
        }
        int[] s = pair(a, "strides");
        int[] d = pair(a, "dilations");
        int groups = Math.toIntExact(a.integer("group", 1));
        Constant b = c.optionalConstant(2);
        Activation x = c.activation(0);
        Shape in = image(c, x);
        int[] p = Padding.resolve(a, in, k, s, d);
        Conv2d.Builder conv = Conv2d.builder().setName(c.layerName()).setInChannels(in.c()).setOutChannels(wd[0])
                .setKernel(k[0], k[1]).optStride(s[0], s[1]).optPadding(p[0], p[1]).optDilation(d[0], d[1])
                .optGroups(groups).optWeight(c.parameter(w, wd)).optBias(b != null);
        if (b != null) {
            conv.optBiasParameter(c.parameter(b, wd[0]));
        }
        c.add(conv.build(), x);
    }

    /** MaxPool (no Indices output) or AveragePool (count_include_pad) -> MaxPool2d or AvgPool2d. */
    static void pool(Conversion c, boolean max) throws Unsupported {
        Attributes a = max
                ? c.attributes("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides")
                : c.attributes("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads",
                        "strides");
        if (!a.has("kernel_shape")) {
            throw new Unsupported("attribute 'kernel_shape' is missing");
        }
        int[] k = pair(a, "kernel_shape");
        int[] s = pair(a, "strides");
        int[] d = pair(a, "dilations");
        if (d[0] != 1 || d[1] != 1) {
            throw new Unsupported("attribute 'dilations' = " + Arrays.toString(d)
                    + ": pooling windows are not dilated");
        }
        if (max && c.readers(1) > 0) {
            throw new Unsupported("output 'Indices' is used; max pooling has no indices output here");
        }
        boolean countPad = a.integer("count_include_pad", 0) != 0;
        Activation x = c.activation(0);
        int[] p = Padding.resolve(a, image(c, x), k, s, d);
        String name = c.layerName();
        c.add(max ? window(MaxPool2d.builder(), name, k, s, p).build()
                : window(AvgPool2d.builder(), name, k, s, p).optCountIncludePad(countPad).build(), x);
    }

    /** GlobalMaxPool, GlobalAveragePool: a pool whose kernel is the whole input, output (C, 1, 1). */
    static void globalPool(Conversion c, boolean max) throws Unsupported {
        c.attributes();
        Activation x = c.activation(0);
        Shape in = image(c, x);
        int[] k = {in.h(), in.w()};
        int[] none = {0, 0};
        String name = c.layerName();
        c.add(max ? window(MaxPool2d.builder(), name, k, k, none).build()
                : window(AvgPool2d.builder(), name, k, k, none).build(), x);
    }

    private static <B extends Pool2d.Builder<B>> B window(B b, String name, int[] k, int[] s, int[] p) {
        return b.setName(name).setKernel(k[0], k[1]).optStride(s[0], s[1]).optPadding(p[0], p[1]);
    }

    static void relu(Conversion c) throws Unsupported {
        c.attributes();
        Activation x = c.activation(0);
        c.add(new ReLU(c.layerName()), x);
    }

    /** Clip(0, inf) is a ReLU; any other range (ReLU6 among them) has no layer. */
    static void clip(Conversion c) throws Unsupported {
        float lo;
        float hi;
        if (c.opset < 11) {
            Attributes a = c.attributes("min", "max");
            lo = a.real("min", Float.NEGATIVE_INFINITY);
            hi = a.real("max", Float.POSITIVE_INFINITY);
        } else {
            c.attributes();
            lo = bound(c, 1, Float.NEGATIVE_INFINITY);
            hi = bound(c, 2, Float.POSITIVE_INFINITY);
        }
        String kind = c.opset < 11 ? "attribute" : "input";
        String only = ": only Clip(0, inf) is supported (imported as ReLU); there is no clamp or ReLU6 layer";
        if (lo != 0f) {
            throw new Unsupported(kind + " 'min' = " + show(lo) + only);
        }
        if (hi < Float.MAX_VALUE) {
            throw new Unsupported(kind + " 'max' = " + show(hi) + only);
        }
        Activation x = c.activation(0);
        c.add(new ReLU(c.layerName()), x);
    }

    private static float bound(Conversion c, int i, float dflt) throws Unsupported {
        if (!c.hasInput(i)) {
            return dflt;
        }
        Constant k = c.constant(i);
        if (k.size() != 1) {
            throw new Unsupported("input " + k + " must be a scalar");
        }
        return k.floats()[0];
    }

    private static String show(float v) {
        return v >= Float.MAX_VALUE ? "inf" : v <= -Float.MAX_VALUE ? "-inf" : Float.toString(v);
    }

    /**
     * Gemm: Y = alpha * A * B' + beta * C with A (N, K), B' = B or B transposed, C broadcast per
     * output -> Dense with weight alpha * B'^T (out, in) and bias beta * C (out). With alpha and
     * beta 1 and transB 1 (systole's own layout) the parameters are the initializers' exact bits.
     */
    static void gemm(Conversion c) throws Unsupported {
        Attributes a = c.attributes("alpha", "beta", "transA", "transB");
        float alpha = a.real("alpha", 1f);
        float beta = a.real("beta", 1f);
        if (a.integer("transA", 0) != 0) {
            throw new Unsupported("attribute 'transA' = 1: A must be (batch, features)");
        }
        boolean transB = a.integer("transB", 0) != 0;
        Constant b = matrix(c);
        int[] bd = b.intDims();
        int in = transB ? bd[1] : bd[0];
        int out = transB ? bd[0] : bd[1];
        Constant bias = beta == 0f ? null : c.optionalConstant(2);
        Activation x = c.activation(0);
        Dense.Builder dense = Dense.builder().setName(c.layerName()).setInFeatures(in).setOutFeatures(out)
                .optWeight(weight(c, b, !transB, alpha, in, out)).optBias(bias != null);
        if (bias != null) {
            dense.optBiasParameter(bias(c, bias, Shape.flat(out), beta));
        }
        c.add(dense.build(), x);
    }

    /** MatMul: A (N, K) times constant B (K, M) -> Dense without bias (an Add may supply it). */
    static void matMul(Conversion c) throws Unsupported {
        c.attributes();
        Constant b = matrix(c);
        int[] bd = b.intDims();
        Activation x = c.activation(0);
        if (x.shape().isImage()) {
            throw new Unsupported("input '" + c.node().getInput(0) + "' is an image " + x.shape()
                    + "; MatMul is imported only as (N, K) x (K, M)");
        }
        c.add(Dense.builder().setName(c.layerName()).setInFeatures(bd[0]).setOutFeatures(bd[1])
                .optWeight(weight(c, b, true, 1f, bd[0], bd[1])).optBias(false).build(), x);
    }

    private static Constant matrix(Conversion c) throws Unsupported {
        Constant b = c.constant(1);
        if (b.rank() != 2) {
            throw new Unsupported("input B " + b + " must be a 2-D matrix");
        }
        return b;
    }

    /** The dense weight (out, in) = alpha * B^T when B is (in, out), else alpha * B. */
    private static Parameter weight(Conversion c, Constant b, boolean transpose, float alpha, int in, int out)
            throws Unsupported {
        String variant = (transpose ? "T" : "") + (alpha != 1f ? "x" + alpha : "");
        return c.parameter(b, variant, new int[] {out, in}, v -> {
            float[] w = v;
            if (transpose) {
                w = new float[v.length];
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        w[o * in + i] = v[i * out + o];
                    }
                }
            }
            return alpha == 1f ? w : scaled(w, alpha);
        });
    }

    /**
     * A bias (C) from a constant that broadcasts over a batch of {@code shape} per channel: its
     * dimensions, aligned to the right of (N, C[, H, W]), are 1 except possibly C. A single value
     * is repeated over the channels; the bias is multiplied by {@code scale}.
     */
    private static Parameter bias(Conversion c, Constant k, Shape shape, float scale) throws Unsupported {
        long[] d = k.dims();
        int rank = shape.isImage() ? 4 : 2;
        int channels = shape.c();
        boolean perChannel = d.length <= rank;
        for (int i = 0; i < d.length && perChannel; i++) {
            perChannel = d[i] == 1 || (rank - d.length + i == 1 && d[i] == channels);
        }
        if (!perChannel) {
            throw new Unsupported("tensor " + k + " is not a bias of " + channels + " channels for a batch of "
                    + shape + " (it must broadcast along every axis but the channels)");
        }
        boolean repeat = k.size() != channels;
        String variant = (repeat ? "repeated" : "") + (scale != 1f ? "x" + scale : "");
        return c.parameter(k, variant, new int[] {channels}, v -> {
            float[] b = v;
            if (repeat) {
                b = new float[channels];
                Arrays.fill(b, v[0]);
            }
            return scale == 1f ? b : scaled(b, scale);
        });
    }

    private static float[] scaled(float[] v, float s) {
        float[] r = new float[v.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = v[i] * s;
        }
        return r;
    }

    /**
     * Add of two run-time tensors of equal shape -> Add (a residual join). Add of a run-time tensor
     * and a constant is the bias of the bias-less Conv or MatMul/Gemm right before it (read by
     * nothing else), folded into that layer. Add of two constants is folded.
     */
    static void add(Conversion c) throws Unsupported {
        c.attributes();
        Value a = c.input(0);
        Value b = c.input(1);
        if (a instanceof Constant x && b instanceof Constant y) {
            ConstantOps.arithmetic(c, x, y);
            return;
        }
        if (a instanceof Activation x && b instanceof Activation y) {
            c.add(new Add(c.layerName()), x, y);
            return;
        }
        int xi = a instanceof Activation ? 0 : 1;
        Activation x = c.activation(xi);
        Constant k = c.constant(1 - xi);
        Conversion.Pending p = c.producer(x);
        Layer fused = p == null || !c.soleReader(c.node().getInput(xi), p) || !c.soleUse(p) ? null : switch (p.layer) {
            case Conv2d v when v.bias() == null -> {
                Window w = v.window();
                yield Conv2d.builder().setName(v.name()).setInChannels(v.inChannels())
                        .setOutChannels(v.outChannels()).setKernel(w.kh(), w.kw()).optStride(w.sh(), w.sw())
                        .optPadding(w.ph(), w.pw()).optDilation(w.dh(), w.dw()).optGroups(v.groups())
                        .optWeight(v.weight()).optBiasParameter(bias(c, k, x.shape(), 1f)).build();
            }
            case Dense v when v.bias() == null -> Dense.builder().setName(v.name()).setInFeatures(v.inFeatures())
                    .setOutFeatures(v.outFeatures()).optWeight(v.weight())
                    .optBiasParameter(bias(c, k, x.shape(), 1f)).build();
            default -> null;
        };
        if (fused == null) {
            throw new Unsupported("adds constant " + k + " to a run-time tensor; that is supported only as the bias"
                    + " of a bias-less Conv, Gemm or MatMul whose output nothing else reads");
        }
        c.replace(p, fused);
        c.output(0, x);
    }

    /**
     * Flatten with axis 1 -> Flatten. A Flatten the model metadata marks as part of the dense
     * layer after it passes its input through: that layer reads the image flattened.
     */
    static void flatten(Conversion c) throws Unsupported {
        Attributes a = c.attributes("axis");
        long axis = a.integer("axis", 1);
        Activation x = c.activation(0);
        if (axis != 1 && axis + rank(x) != 1) {
            throw new Unsupported("attribute 'axis' = " + axis
                    + ": only flattening after the batch axis (1) is supported");
        }
        if (c.isImplicit()) {
            c.output(0, x);
        } else {
            c.add(new Flatten(c.layerName()), x);
        }
    }

    /**
     * Reshape to (N, -1), (N, F), (-1, F) or (0, -1) -> Flatten, where N is the batch size (folded
     * from Shape, or the graph input's fixed batch); a Reshape to the input's own shape passes
     * the input through.
     */
    static void reshape(Conversion c) throws Unsupported {
        Attributes a = c.attributes("allowzero");
        boolean allowZero = a.integer("allowzero", 0) != 0;
        long[] t = c.constant(1).longs().clone();
        Activation x = c.activation(0);
        long[] in = x.onnxDims();
        for (int i = 0; i < t.length && i < in.length; i++) {
            if (t[i] == 0 && !allowZero) {
                t[i] = in[i];
            }
        }
        long features = x.shape().size();
        boolean batch = t.length > 0 && (t[0] == Constant.BATCH || (t[0] == c.staticBatch && t[0] > 0));
        if (t.length == 2 && ((batch && (t[1] == -1 || t[1] == features)) || (t[0] == -1 && t[1] == features))) {
            c.add(new Flatten(c.layerName()), x);
        } else if (batch && Arrays.equals(Arrays.copyOfRange(t, 1, t.length), Arrays.copyOfRange(in, 1, in.length))) {
            c.output(0, x);
        } else {
            throw new Unsupported("target shape " + Constant.show(t) + " for an input of shape " + Constant.show(in)
                    + ": only flattening to (N, -1) is supported");
        }
    }

    /** Softmax over the features of a (N, F) input. */
    static void softmax(Conversion c) throws Unsupported {
        Attributes a = c.attributes("axis");
        long axis = a.integer("axis", c.opset >= 13 ? -1 : 1);
        Activation x = c.activation(0);
        if (x.shape().isImage()) {
            throw new Unsupported("input is an image " + x.shape() + "; softmax is supported over a vector of"
                    + " features (flatten first)");
        }
        if (axis != 1 && axis != -1) {
            throw new Unsupported("attribute 'axis' = " + axis + ": only the feature axis of (N, F) is supported");
        }
        c.add(new Softmax(c.layerName()), x);
    }

    static void identity(Conversion c) throws Unsupported {
        c.attributes();
        c.output(0, c.input(0));
    }

    /** Dropout at inference is the identity; its mask output and training mode are unsupported. */
    static void dropout(Conversion c) throws Unsupported {
        c.attributes("ratio", "seed", "is_test");
        if (c.hasInput(2) && Arrays.stream(c.constant(2).longs()).anyMatch(m -> m != 0)) {
            throw new Unsupported("input 'training_mode' is true; dropout is imported for inference only");
        }
        if (c.readers(1) > 0) {
            throw new Unsupported("output 'mask' is used; dropout is imported for inference only");
        }
        c.output(0, c.input(0));
    }

    /** A 2-element window attribute (height, width), 1 when absent. */
    private static int[] pair(Attributes a, String name) throws Unsupported {
        long[] v = a.integers(name);
        if (v == null) {
            return new int[] {1, 1};
        }
        if (v.length != 2 || v[0] < 1 || v[1] < 1 || v[0] > Integer.MAX_VALUE || v[1] > Integer.MAX_VALUE) {
            throw new Unsupported("attribute '" + name + "' = " + Arrays.toString(v)
                    + ": expected two positive values (a 2-D window)");
        }
        return new int[] {(int) v[0], (int) v[1]};
    }

    private static Shape image(Conversion c, Activation x) throws Unsupported {
        if (!x.shape().isImage()) {
            throw new Unsupported("input '" + c.node().getInput(0) + "' is a vector of " + x.shape().c()
                    + " features; " + c.node().getOpType() + " needs an image (N, C, H, W)");
        }
        return x.shape();
    }

    private static int rank(Activation x) {
        return x.shape().isImage() ? 4 : 2;
    }
}
