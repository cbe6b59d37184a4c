/**
 * Dense NCHW tensors of float32, int8 and int32, and the files the field exchanges them in:
 * numpy's NPY and NPZ, and the IDX files of (Fashion-)MNIST.
 */
package io.systole.tensor;
