package io.systole.model;

import java.util.Arrays;

/**
 * The shape of one sample flowing between layers, without the batch axis: an image (C, H, W)
 * or a vector (F).
 */
public record Shape(int[] dims) {
    public Shape {
        dims = dims.clone();
        if (dims.length != 1 && dims.length != 3) {
            throw new IllegalArgumentException("a shape is (C, H, W) or (F), not " + Arrays.toString(dims));
        }
    }

    public static Shape chw(int c, int h, int w) {
        return new Shape(new int[] {c, h, w});
    }

    public static Shape flat(int features) {
        return new Shape(new int[] {features});
    }

    public boolean isImage() {
        return dims.length == 3;
    }

    /** Channels of an image, features of a vector. */
    public int c() {
        return dims[0];
    }

    public int h() {
        return isImage() ? dims[1] : 1;
    }

    public int w() {
        return isImage() ? dims[2] : 1;
    }

    /** Elements per sample. */
    public long size() {
        return io.systole.tensor.Tensor.count(dims);
    }

    /** The tensor shape of a batch of n samples: (n, C, H, W) or (n, F). */
    public int[] batched(int n) {
        int[] s = new int[dims.length + 1];
        s[0] = n;
        System.arraycopy(dims, 0, s, 1, dims.length);
        return s;
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return isImage() ? dims[0] + "x" + dims[1] + "x" + dims[2] : Integer.toString(dims[0]);
    }
}
