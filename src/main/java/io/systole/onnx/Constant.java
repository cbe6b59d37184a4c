package io.systole.onnx;

import io.systole.onnx.OnnxProto.TensorProto;
import io.systole.onnx.OnnxProto.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor known at import time: an initializer, a Constant node's value, or folded shape
 * arithmetic. Row-major; floating-point types are held as float32 (double rounded, float16 and
 * bfloat16 exact), integer and boolean types as int64. An initializer's data is decoded on first
 * use. In shape arithmetic the value {@link #BATCH} stands for the batch size, which a network
 * leaves open.
 */
final class Constant implements Value {
    /** The batch size, unknown until run time; printed as N. */
    static final long BATCH = Long.MIN_VALUE;

    private final String name;
    private final long[] dims;
    private final int type;
    private TensorProto source;
    private float[] floats;
    private long[] longs;

    private Constant(String name, long[] dims, int type, TensorProto source, float[] floats, long[] longs) {
        this.name = name;
        this.dims = dims;
        this.type = type;
        this.source = source;
        this.floats = floats;
        this.longs = longs;
    }

    /** An ONNX tensor, named {@code name} (its ONNX value name). */
    static Constant of(TensorProto t, String name) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return new Constant(name, dims, t.getDataType(), t, null, null);
    }

    static Constant ofFloats(String name, long[] dims, float[] data) {
        return new Constant(name, dims.clone(), DataType.FLOAT_VALUE, null, data, null);
    }

    static Constant ofLongs(String name, long[] dims, long[] data) {
        return new Constant(name, dims.clone(), DataType.INT64_VALUE, null, null, data);
    }

    /** The ONNX value this constant was read or folded into: a parameter made from it takes this name. */
    String name() {
        return name;
    }

    /** The ONNX element type ({@link DataType}). */
    int type() {
        return type;
    }

    long[] dims() {
        return dims.clone();
    }

    int rank() {
        return dims.length;
    }

    /** The dimensions as ints, for a parameter shape. */
    int[] intDims() throws Unsupported {
        size();
        int[] d = new int[dims.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (int) dims[i];
        }
        return d;
    }

    /** Number of elements. */
    int size() throws Unsupported {
        long n = 1;
        for (long d : dims) {
            if (d < 0 || (d > 0 && n > Integer.MAX_VALUE / d)) {
                throw new Unsupported("tensor '" + name + "' has shape " + Arrays.toString(dims)
                        + ", which is negative or too large");
            }
            n *= d;
        }
        return (int) n;
    }

    boolean isFloating() {
        return type == DataType.FLOAT_VALUE || type == DataType.DOUBLE_VALUE || type == DataType.FLOAT16_VALUE
                || type == DataType.BFLOAT16_VALUE;
    }

    /** The values of a floating-point tensor, as float32; not copied. */
    float[] floats() throws Unsupported {
        if (!isFloating()) {
            throw new Unsupported("tensor '" + name + "' is " + typeName(type) + ", expected floating point");
        }
        decode();
        return floats;
    }

    /** The values of an integer or boolean tensor; not copied. */
    long[] longs() throws Unsupported {
        if (isFloating()) {
            throw new Unsupported("tensor '" + name + "' is " + typeName(type) + ", expected an integer tensor");
        }
        decode();
        return longs;
    }

    /** The same values under another name and shape of equal size. */
    Constant reshaped(String newName, long[] newDims) throws Unsupported {
        decode();
        Constant c = new Constant(newName, newDims.clone(), isFloating() ? DataType.FLOAT_VALUE : DataType.INT64_VALUE,
                null, floats, longs);
        if (c.size() != size()) {
            throw new Unsupported("tensor '" + name + "' " + Arrays.toString(dims) + " cannot take shape "
                    + Arrays.toString(newDims));
        }
        return c;
    }

    /** A constant of shape {@code newDims} whose element i is element {@code from[i]} of this one. */
    Constant select(String newName, long[] newDims, int[] from) throws Unsupported {
        decode();
        if (floats != null) {
            float[] f = new float[from.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = floats[from[i]];
            }
            return ofFloats(newName, newDims, f);
        }
        long[] l = new long[from.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = longs[from[i]];
        }
        return ofLongs(newName, newDims, l);
    }

    private void decode() throws Unsupported {
        if (source == null) {
            return;
        }
        TensorProto t = source;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new Unsupported("tensor '" + name + "' keeps its data in an external file, which is not supported");
        }
        int n = size();
        int width = width(type);
        if (width == 0) {
            throw new Unsupported("tensor '" + name + "' has element type " + typeName(type)
                    + "; supported: float, double, float16, bfloat16, int8..int64, uint8..uint32, bool");
        }
        ByteBuffer raw = null;
        if (t.hasRawData()) {
            raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (raw.remaining() != (long) n * width) {
                throw new Unsupported("tensor '" + name + "': raw_data holds " + raw.remaining() + " bytes, expected "
                        + (long) n * width + " for " + n + " " + typeName(type) + " values");
            }
        } else {
            int held = switch (type) {
                case DataType.FLOAT_VALUE -> t.getFloatDataCount();
                case DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
                case DataType.INT64_VALUE -> t.getInt64DataCount();
                case DataType.UINT32_VALUE -> t.getUint64DataCount();
                default -> t.getInt32DataCount();
            };
            if (held != n) {
                throw new Unsupported("tensor '" + name + "' holds " + held + " values, expected " + n + " for shape "
                        + Arrays.toString(dims));
            }
        }
        if (isFloating()) {
            floats = new float[n];
            for (int i = 0; i < n; i++) {
                floats[i] = switch (type) {
                    case DataType.FLOAT_VALUE -> raw != null ? raw.getFloat(4 * i) : t.getFloatData(i);
                    case DataType.DOUBLE_VALUE -> (float) (raw != null ? raw.getDouble(8 * i) : t.getDoubleData(i));
                    case DataType.FLOAT16_VALUE -> Float.float16ToFloat(raw != null ? raw.getShort(2 * i)
                            : (short) t.getInt32Data(i));
                    default -> Float.intBitsToFloat((raw != null ? raw.getShort(2 * i) : t.getInt32Data(i)) << 16);
                };
            }
        } else {
            longs = new long[n];
            for (int i = 0; i < n; i++) {
                longs[i] = raw == null ? switch (type) {
                    case DataType.INT64_VALUE -> t.getInt64Data(i);
                    case DataType.UINT32_VALUE -> t.getUint64Data(i);
                    default -> t.getInt32Data(i);
                } : switch (type) {
                    case DataType.INT64_VALUE -> raw.getLong(8 * i);
                    case DataType.INT32_VALUE -> raw.getInt(4 * i);
                    case DataType.UINT32_VALUE -> Integer.toUnsignedLong(raw.getInt(4 * i));
                    case DataType.INT16_VALUE -> raw.getShort(2 * i);
                    case DataType.UINT16_VALUE -> Short.toUnsignedLong(raw.getShort(2 * i));
                    case DataType.INT8_VALUE -> raw.get(i);
                    default -> Byte.toUnsignedLong(raw.get(i));
                };
            }
        }
        source = null;
    }

    /** Bytes per element in raw_data, or 0 for a type this importer does not convert. */
    private static int width(int type) {
        return switch (type) {
            case DataType.INT8_VALUE, DataType.UINT8_VALUE, DataType.BOOL_VALUE -> 1;
            case DataType.INT16_VALUE, DataType.UINT16_VALUE, DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE -> 2;
            case DataType.FLOAT_VALUE, DataType.INT32_VALUE, DataType.UINT32_VALUE -> 4;
            case DataType.DOUBLE_VALUE, DataType.INT64_VALUE -> 8;
            default -> 0;
        };
    }

    /** An ONNX element type's name, e.g. FLOAT, or its code when unknown. */
    static String typeName(int type) {
        DataType t = DataType.forNumber(type);
        return t != null ? t.name() : "type code " + type;
    }

    /** A shape or small integer list for messages, with the batch size printed as N. */
    static String show(long[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(v[i] == BATCH ? "N" : Long.toString(v[i]));
        }
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        return "'" + name + "' " + show(dims);
    }
}
