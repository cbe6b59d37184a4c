package io.systole.model;

import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A trainable float32 array with identity. Two layers holding the same Parameter object share it
 * (weight tying): it is stored once, counted once, and its gradient is the sum over every use.
 * Equality is identity, on purpose.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] data;

    public Parameter(String name, int... shape) {
        this(name, new float[Math.toIntExact(Tensor.count(shape))], shape);
    }

    /** A parameter over existing data (not copied). */
    public Parameter(String name, float[] data, int... shape) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a parameter needs a name");
        }
        if (data.length != Tensor.count(shape)) {
            throw new IllegalArgumentException("parameter '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + Tensor.count(shape) + " values, data has " + data.length);
        }
        this.name = name;
        this.shape = shape.clone();
        this.data = data;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The values, row-major; mutable (training writes here). */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    /**
     * He-uniform initialisation: U(-b, b) with b = sqrt(6 / fanIn), deterministic for a seed.
     * Biases (fanIn 0) are zeroed.
     */
    public void initialise(int fanIn, SplittableRandom rnd) {
        if (fanIn <= 0) {
            Arrays.fill(data, 0f);
            return;
        }
        double bound = Math.sqrt(6.0 / fanIn);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
    }

    /** This parameter, if its shape is {@code expected}; otherwise an error naming layer and field. */
    public Parameter requireShape(String layer, String field, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new ModelException("layer '" + layer + "': " + field + " parameter '" + name + "' has shape "
                    + Arrays.toString(shape) + ", expected " + Arrays.toString(expected));
        }
        return this;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
