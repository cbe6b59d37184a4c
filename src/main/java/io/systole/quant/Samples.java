package io.systole.quant;

import io.systole.tensor.DType;
import io.systole.tensor.Idx;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sample inputs for calibration and error reports: the first n images of a dataset in the
 * (Fashion-)MNIST IDX layout, or a float32 NPY batch. IDX pixels (unsigned bytes) become float32
 * {@code pixel / 255f} in [0, 1], shape (n, 1, H, W), as the training code reads them.
 *
 * @param images float32 (n, ...input shape)
 * @param labels (n) class labels, or {@code null} when the source has none
 */
public record Samples(Tensor images, int[] labels) {
    /** The name that selects Fashion-MNIST from {@link #FASHION_MNIST_DIR}. */
    public static final String FASHION_MNIST = "fashion-mnist";
    /** The Debian package that installs Fashion-MNIST. */
    public static final String FASHION_MNIST_PACKAGE = "dataset-fashion-mnist";
    /** Where {@value #FASHION_MNIST_PACKAGE} installs its gzip-compressed IDX files. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /**
     * The first {@code n} samples of a dataset: {@value #FASHION_MNIST}, or a directory holding
     * {@code PREFIX-images-idx3-ubyte[.gz]} and {@code PREFIX-labels-idx1-ubyte[.gz]}, PREFIX
     * {@code train} (training split) or {@code t10k} (test split).
     */
    public static Samples dataset(String spec, boolean train, int n) throws IOException {
        if (n < 1) {
            throw new IllegalArgumentException("sample count must be positive, got " + n);
        }
        Path dir = spec.equals(FASHION_MNIST) ? FASHION_MNIST_DIR : Path.of(spec);
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        if (images == null || labels == null) {
            throw new IOException("data '" + spec + "': " + dir + " has no " + prefix + "-images-idx3-ubyte[.gz] and "
                    + prefix + "-labels-idx1-ubyte[.gz]" + (spec.equals(FASHION_MNIST)
                    ? "; install the Debian package " + FASHION_MNIST_PACKAGE : ""));
        }
        Tensor raw = Idx.read(images);
        Tensor lab = Idx.read(labels);
        if (raw.rank() != 3 || raw.dtype() != DType.I32) {
            throw new IOException(images + ": expected unsigned byte images (N, H, W), got " + raw.dtype() + " "
                    + Arrays.toString(raw.shape()));
        }
        if (lab.rank() != 1 || lab.dim(0) != raw.dim(0)) {
            throw new IOException(labels + ": expected " + raw.dim(0) + " labels, got shape "
                    + Arrays.toString(lab.shape()));
        }
        if (n > raw.dim(0)) {
            throw new IllegalArgumentException("data '" + spec + "' has " + raw.dim(0) + " " + prefix
                    + " samples, " + n + " requested");
        }
        int h = raw.dim(1);
        int w = raw.dim(2);
        int[] px = raw.ints();
        float[] x = new float[n * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) px[i] / 255f;
        }
        return new Samples(Tensor.of(x, n, 1, h, w), Arrays.copyOf(lab.ints(), n));
    }

    /** A float32 batch (n, ...) from an NPY file, without labels. */
    public static Samples npy(Path file) throws IOException {
        Tensor t = Npy.read(file);
        if (t.dtype() != DType.F32 || t.rank() < 2) {
            throw new IOException(file + ": expected a float32 batch (N, C, H, W) or (N, F), got " + t.dtype() + " "
                    + Arrays.toString(t.shape()));
        }
        return new Samples(t, null);
    }

    private static Path find(Path dir, String file) {
        for (String name : new String[] {file, file + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
