package io.systole.tensor;

import java.util.Arrays;

/**
 * A dense, row-major (C order) tensor of float32, int8 or int32. Images are NCHW: (batch,
 * channels, height, width); vectors are (batch, features). The data array is shared, not copied:
 * a tensor is a view of its array with a shape.
 */
public final class Tensor {
    private final int[] shape;
    private final DType dtype;
    private final Object data;

    private Tensor(DType dtype, Object data, int length, int... shape) {
        this.shape = shape.clone();
        this.dtype = dtype;
        this.data = data;
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data has " + length);
        }
    }

    public static Tensor of(float[] data, int... shape) {
        return new Tensor(DType.F32, data, data.length, shape);
    }

    public static Tensor of(byte[] data, int... shape) {
        return new Tensor(DType.I8, data, data.length, shape);
    }

    public static Tensor of(int[] data, int... shape) {
        return new Tensor(DType.I32, data, data.length, shape);
    }

    /** A zero tensor of the given type and shape. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = Math.toIntExact(count(shape));
        return switch (dtype) {
            case F32 -> of(new float[n], shape);
            case I8 -> of(new byte[n], shape);
            case I32 -> of(new int[n], shape);
        };
    }

    /** Number of elements of a shape. */
    public static long count(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements. */
    public int size() {
        return Math.toIntExact(count(shape));
    }

    /** The float32 data; fails for other dtypes. */
    public float[] floats() {
        return (float[]) require(DType.F32);
    }

    /** The int8 data; fails for other dtypes. */
    public byte[] bytes() {
        return (byte[]) require(DType.I8);
    }

    /** The int32 data; fails for other dtypes. */
    public int[] ints() {
        return (int[]) require(DType.I32);
    }

    private Object require(DType want) {
        if (dtype != want) {
            throw new IllegalStateException("tensor is " + dtype + ", not " + want);
        }
        return data;
    }

    /** The same data with another shape of equal element count. */
    public Tensor reshape(int... newShape) {
        return new Tensor(dtype, data, size(), newShape);
    }

    /** Element i (flat index) as a double, whatever the dtype. */
    public double get(int i) {
        return switch (dtype) {
            case F32 -> ((float[]) data)[i];
            case I8 -> ((byte[]) data)[i];
            case I32 -> ((int[]) data)[i];
        };
    }

    /** Samples [from, to) of the first (batch) axis, copied. */
    public Tensor slice(int from, int to) {
        int per = size() / Math.max(1, shape[0]);
        int[] s = shape.clone();
        s[0] = to - from;
        return switch (dtype) {
            case F32 -> of(Arrays.copyOfRange(floats(), from * per, to * per), s);
            case I8 -> of(Arrays.copyOfRange(bytes(), from * per, to * per), s);
            case I32 -> of(Arrays.copyOfRange(ints(), from * per, to * per), s);
        };
    }

    /** Equal dtype, shape and elements; floats compare by their bits (all NaNs are equal). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || t.dtype != dtype || !Arrays.equals(t.shape, shape)) {
            return false;
        }
        return switch (dtype) {
            case F32 -> Arrays.equals(floats(), t.floats());
            case I8 -> Arrays.equals(bytes(), t.bytes());
            case I32 -> Arrays.equals(ints(), t.ints());
        };
    }

    @Override
    public int hashCode() {
        int h = 31 * Arrays.hashCode(shape) + dtype.hashCode();
        return switch (dtype) {
            case F32 -> 31 * h + Arrays.hashCode(floats());
            case I8 -> 31 * h + Arrays.hashCode(bytes());
            case I32 -> 31 * h + Arrays.hashCode(ints());
        };
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + " " + dtype;
    }
}
