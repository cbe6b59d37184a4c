package io.systole.train;

import io.systole.model.Shape;
import io.systole.tensor.DType;
import io.systole.tensor.Idx;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled images in memory: images float32 (N, C, H, W) (or vectors (N, F)), labels int in
 * [0, classes). Read from IDX files (the (Fashion-)MNIST format, plain or gzip) or NPY files;
 * integer pixels are scaled by 1/255 into [0, 1], float images are taken as they are.
 */
public final class Dataset {
    /** The name that selects Fashion-MNIST as installed by {@value #FASHION_MNIST_PACKAGE}. */
    public static final String FASHION_MNIST = "fashion-mnist";
    /** The Debian package that installs Fashion-MNIST. */
    public static final String FASHION_MNIST_PACKAGE = "dataset-fashion-mnist";
    /** Where {@value #FASHION_MNIST_PACKAGE} installs its IDX files. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Fashion-MNIST's classes, by label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two parts of a dataset, with the file-name prefix of the MNIST layout. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    private final String name;
    private final Tensor images;
    private final int[] labels;
    private final List<String> classNames;

    private Dataset(String name, Tensor images, int[] labels, List<String> classNames) {
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * A dataset by specification: {@value #FASHION_MNIST}; a directory in the MNIST layout (see
     * {@link #directory}); or {@code IMAGES,LABELS}, two IDX or NPY files (the split is then
     * ignored).
     */
    public static Dataset open(String spec, Split split) throws IOException {
        if (spec.equals(FASHION_MNIST)) {
            return fashionMnist(FASHION_MNIST_DIR, split);
        }
        int comma = spec.indexOf(',');
        if (comma >= 0) {
            return read(Path.of(spec.substring(0, comma)), Path.of(spec.substring(comma + 1)));
        }
        Path dir = Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new IOException("data '" + spec + "' is neither '" + FASHION_MNIST
                    + "', a directory, nor a pair IMAGES,LABELS of IDX or NPY files");
        }
        return directory(dir, split);
    }

    /** Fashion-MNIST from the package's folder (or a copy of it), with its class names. */
    public static Dataset fashionMnist(Path dir, Split split) throws IOException {
        Path images = find(dir, split.prefix() + "-images-idx3-ubyte");
        Path labels = find(dir, split.prefix() + "-labels-idx1-ubyte");
        if (images == null || labels == null) {
            throw new IOException("Fashion-MNIST not found: " + dir + " has no " + split.prefix()
                    + "-images-idx3-ubyte.gz and " + split.prefix() + "-labels-idx1-ubyte.gz; install the Debian package "
                    + FASHION_MNIST_PACKAGE + " (apt-get install " + FASHION_MNIST_PACKAGE + ")");
        }
        Dataset d = read(images, labels);
        return new Dataset(FASHION_MNIST + " " + split.name().toLowerCase(java.util.Locale.ROOT), d.images, d.labels,
                FASHION_MNIST_CLASSES);
    }

    /**
     * A split from a directory holding {@code PREFIX-images-idx3-ubyte[.gz]} and
     * {@code PREFIX-labels-idx1-ubyte[.gz]}, or {@code PREFIX-images.npy} and
     * {@code PREFIX-labels.npy}, with PREFIX {@code train} or {@code t10k}.
     */
    public static Dataset directory(Path dir, Split split) throws IOException {
        Path images = find(dir, split.prefix() + "-images-idx3-ubyte");
        Path labels = find(dir, split.prefix() + "-labels-idx1-ubyte");
        if (images == null || labels == null) {
            images = find(dir, split.prefix() + "-images.npy");
            labels = find(dir, split.prefix() + "-labels.npy");
        }
        if (images == null || labels == null) {
            throw new IOException(dir + ": no " + split.name().toLowerCase(java.util.Locale.ROOT) + " data: expected "
                    + split.prefix() + "-images-idx3-ubyte[.gz] and " + split.prefix() + "-labels-idx1-ubyte[.gz], or "
                    + split.prefix() + "-images.npy and " + split.prefix() + "-labels.npy");
        }
        return read(images, labels);
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

    /** Images and labels from two files, each IDX (plain or gzip) or NPY ({@code .npy}). */
    public static Dataset read(Path imageFile, Path labelFile) throws IOException {
        Tensor raw = readTensor(imageFile);
        Tensor rawLabels = readTensor(labelFile);
        int n = raw.rank() > 0 ? raw.dim(0) : 0;
        if (raw.rank() < 2 || raw.rank() > 4) {
            throw new IOException(imageFile + ": images must be (N, H, W), (N, C, H, W) or (N, F), got "
                    + Arrays.toString(raw.shape()));
        }
        if (rawLabels.rank() != 1 || rawLabels.dtype() == DType.F32) {
            throw new IOException(labelFile + ": labels must be integers of shape (N), got " + rawLabels.dtype() + " "
                    + Arrays.toString(rawLabels.shape()));
        }
        if (rawLabels.dim(0) != n) {
            throw new IOException(labelFile + ": " + rawLabels.dim(0) + " labels for " + n + " images in " + imageFile);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (int) rawLabels.get(i);
            if (labels[i] < 0) {
                throw new IOException(labelFile + ": label " + labels[i] + " of sample " + i + " is negative");
            }
        }
        float[] pixels = new float[raw.size()];
        if (raw.dtype() == DType.F32) {
            System.arraycopy(raw.floats(), 0, pixels, 0, pixels.length);
        } else {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) raw.get(i) / 255f;
            }
        }
        int[] s = raw.shape();
        int[] shape = s.length == 3 ? new int[] {s[0], 1, s[1], s[2]} : s;
        return of(imageFile.getFileName().toString(), Tensor.of(pixels, shape), labels);
    }

    /**
     * A dataset in memory: images float32 (N, C, H, W) or (N, F), labels (N) in [0, classes),
     * the classes named by their numbers 0 .. max label. The arrays are shared, not copied.
     */
    public static Dataset of(String name, Tensor images, int[] labels) {
        if (images.dtype() != DType.F32 || (images.rank() != 2 && images.rank() != 4)) {
            throw new IllegalArgumentException("dataset '" + name + "': images must be float32 (N, C, H, W) or (N, F),"
                    + " got " + images.dtype() + " " + Arrays.toString(images.shape()));
        }
        if (labels.length != images.dim(0)) {
            throw new IllegalArgumentException("dataset '" + name + "': " + labels.length + " labels for "
                    + images.dim(0) + " images");
        }
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("dataset '" + name + "': label " + labels[i] + " of sample " + i
                        + " is negative");
            }
            max = Math.max(max, labels[i]);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
            names.add(Integer.toString(c));
        }
        return new Dataset(name, images, labels, names);
    }

    private static Tensor readTensor(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        return file.getFileName().toString().endsWith(".npy") ? Npy.read(file) : Idx.read(file);
    }

    /** A short name for messages, e.g. {@code fashion-mnist train}. */
    public String name() {
        return name;
    }

    /** float32 (N, C, H, W) or (N, F); shared, not copied. */
    public Tensor images() {
        return images;
    }

    /** Label of each sample; shared, not copied. */
    public int[] labels() {
        return labels;
    }

    public int size() {
        return labels.length;
    }

    /** The shape of one sample. */
    public Shape sampleShape() {
        int[] s = images.shape();
        return s.length == 2 ? Shape.flat(s[1]) : Shape.chw(s[1], s[2], s[3]);
    }

    /** Class names by label: Fashion-MNIST's names, or the label numbers. */
    public List<String> classNames() {
        return classNames;
    }

    /** Samples [from, to), copied. */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + size() + " samples");
        }
        return new Dataset(name, images.slice(from, to), Arrays.copyOfRange(labels, from, to), classNames);
    }

    /** The first n samples (all of them when n is larger). */
    public Dataset limit(int n) {
        return n >= size() ? this : slice(0, n);
    }

    @Override
    public String toString() {
        return name + " (" + size() + " samples of " + sampleShape() + ", " + classNames.size() + " classes)";
    }
}
