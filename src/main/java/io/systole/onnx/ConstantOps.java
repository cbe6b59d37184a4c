package io.systole.onnx;

import io.systole.onnx.OnnxProto.TensorProto.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Operators folded at import time: constants and the shape arithmetic exporters emit around a
 * Reshape (PyTorch's {@code x.view(x.size(0), -1)} becomes Shape, Gather, Unsqueeze, Concat). The
 * batch size stays symbolic ({@link Constant#BATCH}); arithmetic on it is unsupported.
 */
final class ConstantOps {
    private ConstantOps() {
    }

    static void constant(Conversion c) throws Unsupported {
        Attributes a = c.attributes("value", "value_float", "value_floats", "value_int", "value_ints");
        String name = c.outputName();
        long[] scalar = {};
        Constant k;
        if (a.has("value")) {
            k = Constant.of(a.tensor("value"), name);
        } else if (a.has("value_float")) {
            k = Constant.ofFloats(name, scalar, new float[] {a.real("value_float", 0f)});
        } else if (a.has("value_floats")) {
            float[] f = a.reals("value_floats");
            k = Constant.ofFloats(name, new long[] {f.length}, f);
        } else if (a.has("value_int")) {
            k = Constant.ofLongs(name, scalar, new long[] {a.integer("value_int", 0)});
        } else if (a.has("value_ints")) {
            long[] l = a.integers("value_ints");
            k = Constant.ofLongs(name, new long[] {l.length}, l);
        } else {
            throw new Unsupported("no value attribute");
        }
        c.output(0, k);
    }

    /** Shape: the input's dimensions [start, end) as int64, the batch size symbolic. */
    static void shape(Conversion c) throws Unsupported {
        Attributes a = c.attributes("start", "end");
        long[] dims = c.input(0) instanceof Constant k ? k.dims() : c.activation(0).onnxDims();
        int r = dims.length;
        int start = clamp(a.integer("start", 0), r);
        int end = Math.max(start, clamp(a.integer("end", r), r));
        c.output(0, Constant.ofLongs(c.outputName(), new long[] {end - start}, Arrays.copyOfRange(dims, start, end)));
    }

    private static int clamp(long axis, int rank) {
        return (int) Math.min(rank, Math.max(0, axis < 0 ? axis + rank : axis));
    }

    /** Gather from a 1-D constant: element i of the result is data[indices[i]]. */
    static void gather(Conversion c) throws Unsupported {
        Attributes a = c.attributes("axis");
        long axis = a.integer("axis", 0);
        Constant data = c.constant(0);
        Constant indices = c.constant(1);
        if (data.rank() != 1 || (axis != 0 && axis != -1)) {
            throw new Unsupported("gathers along axis " + axis + " of " + data
                    + "; only gathering from a 1-D constant (shape arithmetic) is supported");
        }
        int n = data.size();
        long[] ix = indices.longs();
        int[] from = new int[ix.length];
        for (int i = 0; i < ix.length; i++) {
            long j = ix[i] < 0 ? ix[i] + n : ix[i];
            if (j < 0 || j >= n) {
                throw new Unsupported("index " + ix[i] + " is out of range for " + data);
            }
            from[i] = (int) j;
        }
        c.output(0, data.select(c.outputName(), indices.dims(), from));
    }

    /** Unsqueeze (insert axes of size 1) or Squeeze (remove them) of a constant. */
    static void unsqueeze(Conversion c, boolean insert) throws Unsupported {
        boolean axesAttribute = c.opset < 13;
        Attributes a = axesAttribute ? c.attributes("axes") : c.attributes();
        Constant x = c.constant(0);
        long[] axes = axesAttribute ? a.integers("axes") : c.hasInput(1) ? c.constant(1).longs() : null;
        long[] d = x.dims();
        List<Long> out = new ArrayList<>();
        if (insert) {
            if (axes == null) {
                throw new Unsupported("no axes to insert");
            }
            int r = d.length + axes.length;
            boolean[] at = marks(axes, r, x);
            for (int i = 0, j = 0; i < r; i++) {
                out.add(at[i] ? 1L : d[j++]);
            }
        } else {
            boolean[] at = axes == null ? null : marks(axes, d.length, x);
            for (int i = 0; i < d.length; i++) {
                boolean drop = at == null ? d[i] == 1 : at[i];
                if (drop && d[i] != 1) {
                    throw new Unsupported("cannot squeeze axis " + i + " of " + x + ": its size is not 1");
                }
                if (!drop) {
                    out.add(d[i]);
                }
            }
        }
        c.output(0, x.reshaped(c.outputName(), out.stream().mapToLong(Long::longValue).toArray()));
    }

    private static boolean[] marks(long[] axes, int rank, Constant x) throws Unsupported {
        boolean[] at = new boolean[rank];
        for (long ax : axes) {
            long i = ax < 0 ? ax + rank : ax;
            if (i < 0 || i >= rank || at[(int) i]) {
                throw new Unsupported("axes " + Arrays.toString(axes) + " are out of range or repeated for " + x);
            }
            at[(int) i] = true;
        }
        return at;
    }

    /** Concat of 1-D constants. */
    static void concat(Conversion c) throws Unsupported {
        Attributes a = c.attributes("axis");
        long axis = a.integer("axis", 0);
        List<Constant> parts = new ArrayList<>();
        for (int i = 0; i < c.node().getInputCount(); i++) {
            parts.add(c.constant(i));
        }
        boolean floating = !parts.isEmpty() && parts.getFirst().isFloating();
        for (Constant k : parts) {
            if (k.rank() != 1 || (axis != 0 && axis != -1) || k.isFloating() != floating) {
                throw new Unsupported("concatenates " + k + " along axis " + axis
                        + "; only 1-D constants of one type (shape arithmetic) are supported");
            }
        }
        int n = 0;
        for (Constant k : parts) {
            n += k.size();
        }
        float[] f = new float[floating ? n : 0];
        long[] l = new long[floating ? 0 : n];
        int at = 0;
        for (Constant k : parts) {
            if (floating) {
                System.arraycopy(k.floats(), 0, f, at, k.size());
            } else {
                System.arraycopy(k.longs(), 0, l, at, k.size());
            }
            at += k.size();
        }
        long[] dims = {n};
        c.output(0, floating ? Constant.ofFloats(c.outputName(), dims, f) : Constant.ofLongs(c.outputName(), dims, l));
    }

    /** Cast of a constant to float, double, an integer type or bool. */
    static void cast(Conversion c) throws Unsupported {
        Attributes a = c.attributes("to", "saturate");
        int to = Math.toIntExact(a.integer("to", 0));
        Constant x = c.constant(0);
        String name = c.outputName();
        switch (to) {
            case DataType.FLOAT_VALUE, DataType.DOUBLE_VALUE -> {
                if (x.isFloating()) {
                    c.output(0, x.reshaped(name, x.dims()));
                    return;
                }
                long[] l = x.longs();
                float[] f = new float[l.length];
                for (int i = 0; i < l.length; i++) {
                    f[i] = batchFree(l[i], x);
                }
                c.output(0, Constant.ofFloats(name, x.dims(), f));
            }
            case DataType.INT8_VALUE, DataType.INT16_VALUE, DataType.INT32_VALUE, DataType.INT64_VALUE,
                    DataType.UINT8_VALUE, DataType.UINT16_VALUE, DataType.UINT32_VALUE, DataType.BOOL_VALUE -> {
                if (!x.isFloating()) {
                    c.output(0, x.reshaped(name, x.dims()));
                    return;
                }
                float[] f = x.floats();
                long[] l = new long[f.length];
                for (int i = 0; i < f.length; i++) {
                    l[i] = to == DataType.BOOL_VALUE ? (f[i] != 0f ? 1 : 0) : (long) f[i];
                }
                c.output(0, Constant.ofLongs(name, x.dims(), l));
            }
            default -> throw new Unsupported("attribute 'to' = " + Constant.typeName(to)
                    + ": constants are cast only to float, double, integer types and bool");
        }
    }

    /** Sub, Mul, Div (and Add, through {@link LayerOps#add}) of two constants. */
    static void binary(Conversion c) throws Unsupported {
        c.attributes();
        arithmetic(c, c.constant(0), c.constant(1));
    }

    /**
     * Elementwise x op y for the node's operator; shapes equal, or one side a single value.
     * Integer division truncates toward zero, as ONNX Runtime's does.
     */
    static void arithmetic(Conversion c, Constant x, Constant y) throws Unsupported {
        String op = c.node().getOpType();
        long[] dims;
        if (Arrays.equals(x.dims(), y.dims()) || (y.size() == 1 && x.rank() >= y.rank())) {
            dims = x.dims();
        } else if (x.size() == 1 && y.rank() >= x.rank()) {
            dims = y.dims();
        } else {
            throw new Unsupported("shapes " + Constant.show(x.dims()) + " and " + Constant.show(y.dims())
                    + " of " + x + " and " + y + " are neither equal nor one a single value");
        }
        if (x.isFloating() != y.isFloating()) {
            throw new Unsupported(x + " and " + y + " differ in type");
        }
        int n = Math.max(x.size(), y.size());
        int xs = x.size() == 1 ? 0 : 1;
        int ys = y.size() == 1 ? 0 : 1;
        if (x.isFloating()) {
            float[] a = x.floats();
            float[] b = y.floats();
            float[] r = new float[n];
            for (int i = 0; i < n; i++) {
                float u = a[i * xs];
                float v = b[i * ys];
                r[i] = switch (op) {
                    case "Add" -> u + v;
                    case "Sub" -> u - v;
                    case "Mul" -> u * v;
                    default -> u / v; // Div
                };
            }
            c.output(0, Constant.ofFloats(c.outputName(), dims, r));
        } else {
            long[] a = x.longs();
            long[] b = y.longs();
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                long u = batchFree(a[i * xs], x);
                long v = batchFree(b[i * ys], y);
                if (op.equals("Div") && v == 0) {
                    throw new Unsupported("divides by zero: " + y);
                }
                r[i] = switch (op) {
                    case "Add" -> u + v;
                    case "Sub" -> u - v;
                    case "Mul" -> u * v;
                    default -> u / v; // Div
                };
            }
            c.output(0, Constant.ofLongs(c.outputName(), dims, r));
        }
    }

    private static long batchFree(long v, Constant from) throws Unsupported {
        if (v == Constant.BATCH) {
            throw new Unsupported("computes with the batch size N (" + from + "), which the network leaves open");
        }
        return v;
    }
}
