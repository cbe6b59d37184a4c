package io.systole.train;

import io.systole.model.ModelException;
import io.systole.tensor.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Top-1 accuracy and the confusion matrix of a classifier on a dataset. {@code confusion[t][p]}
 * counts samples of true class t predicted as class p; the prediction is the index of the
 * largest output (the first on ties).
 *
 * @param classNames names of the classes, by label
 * @param confusion (classes, classes) counts, rows true class, columns predicted class
 * @param seconds wall time of the evaluation
 */
public record Evaluation(List<String> classNames, long[][] confusion, double seconds) {
    /** Images per forward call. */
    static final int CHUNK = 250;

    /**
     * Runs {@code model} (a batch (n, ...sample shape) to scores (n, classes)) over the dataset
     * in chunks of {@value #CHUNK} images, chunk i on thread i mod {@code threads}; the model must
     * be safe to call from several threads.
     */
    public static Evaluation of(Dataset data, UnaryOperator<Tensor> model, int threads) {
        int n = data.size();
        int per = Math.toIntExact(data.sampleShape().size());
        int[] sampleDims = data.sampleShape().dims();
        float[] images = data.images().floats();
        int[] labels = data.labels();
        int chunks = (n + CHUNK - 1) / CHUNK;
        int classes = data.classNames().size();
        long[][][] local = new long[threads][][];
        long t0 = System.nanoTime();
        try (Workers workers = new Workers(threads)) {
            workers.run(t -> {
                long[][] m = null;
                for (int c = t; c < chunks; c += threads) {
                    int lo = c * CHUNK;
                    int hi = Math.min(n, lo + CHUNK);
                    float[] x = java.util.Arrays.copyOfRange(images, lo * per, hi * per);
                    int[] shape = new int[sampleDims.length + 1];
                    shape[0] = hi - lo;
                    System.arraycopy(sampleDims, 0, shape, 1, sampleDims.length);
                    float[] y = model.apply(Tensor.of(x, shape)).floats();
                    int f = y.length / (hi - lo);
                    if (f < classes) {
                        throw new ModelException("the model scores " + f + " classes, data " + data.name() + " has "
                                + classes);
                    }
                    m = m != null ? m : new long[f][f];
                    for (int i = lo; i < hi; i++) {
                        m[labels[i]][SoftmaxCrossEntropy.argmax(y, (i - lo) * f, f)]++;
                    }
                }
                local[t] = m;
            });
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[][] confusion = null;
        for (long[][] m : local) {
            if (m == null) {
                continue;
            }
            if (confusion == null) {
                confusion = m;
                continue;
            }
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < m.length; j++) {
                    confusion[i][j] += m[i][j];
                }
            }
        }
        if (confusion == null) {
            throw new IllegalArgumentException("data " + data.name() + " has no samples to evaluate");
        }
        List<String> names = new java.util.ArrayList<>(data.classNames());
        for (int c = names.size(); c < confusion.length; c++) {
            names.add(Integer.toString(c));
        }
        return new Evaluation(List.copyOf(names), confusion, seconds);
    }

    public int classes() {
        return confusion.length;
    }

    public long total() {
        long s = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                s += v;
            }
        }
        return s;
    }

    public long correct() {
        long s = 0;
        for (int i = 0; i < confusion.length; i++) {
            s += confusion[i][i];
        }
        return s;
    }

    /** Top-1 accuracy in [0, 1]. */
    public double accuracy() {
        return (double) correct() / total();
    }

    public double imagesPerSecond() {
        return total() / seconds;
    }
}
