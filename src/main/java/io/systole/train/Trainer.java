package io.systole.train;

import io.systole.model.ModelException;
import io.systole.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mini-batch training of a network's parameters, in place. Each epoch visits the samples in a
 * fresh permutation drawn from the seed; the last batch of an epoch may be smaller. A batch is
 * cut into one contiguous chunk per thread; each thread runs {@link Backprop#train} on its chunk
 * into its own {@link Gradients}, and the chunks' gradients are added in thread order before the
 * optimizer step. The result therefore depends only on the initial weights, the data, the
 * settings, the seed and the thread count.
 *
 * <p>The learning rate of epoch e (from 0) is {@code lr * lrDecay^e}, lr being the optimizer's
 * rate when {@link #fit} starts.
 */
public final class Trainer {
    /** Figures of the current epoch so far, after a step. Loss in nats per sample; accuracy in [0, 1]. */
    public record Progress(int epoch, int epochs, int seen, int total, double loss, double accuracy,
            double imagesPerSecond, double learningRate) {
    }

    /** Figures of a finished epoch (numbered from 1). */
    public record Epoch(int epoch, int epochs, int images, double loss, double accuracy, double seconds,
            double learningRate) {
        public double imagesPerSecond() {
            return images / seconds;
        }
    }

    /** Receives progress; both methods run on the training thread and should return quickly. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void step(Progress p) {
        }

        default void epoch(Epoch e) {
        }
    }

    private final Optimizer optimizer;
    private final int epochs;
    private final int batch;
    private final long seed;
    private final int threads;
    private final double lrDecay;

    private Trainer(Builder b) {
        if (b.optimizer == null) {
            throw new IllegalArgumentException("a trainer needs an optimizer");
        }
        if (b.epochs < 1 || b.batch < 1 || b.threads < 1) {
            throw new IllegalArgumentException("epochs, batch size and threads must be at least 1, got " + b.epochs
                    + ", " + b.batch + ", " + b.threads);
        }
        if (!(b.lrDecay > 0 && b.lrDecay <= 1)) {
            throw new IllegalArgumentException("learning-rate decay must be in (0, 1], got " + b.lrDecay);
        }
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.batch = b.batch;
        this.seed = b.seed;
        this.threads = b.threads;
        this.lrDecay = b.lrDecay;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int threads() {
        return threads;
    }

    /** Trains {@code net} on {@code data}; returns one figure per epoch. */
    public List<Epoch> fit(Network net, Dataset data, Listener listener) {
        if (!data.sampleShape().equals(net.inputShape())) {
            throw new ModelException("network '" + net.name() + "' takes samples of " + net.inputShape() + ", data "
                    + data.name() + " has " + data.sampleShape());
        }
        Backprop bp = new Backprop(net);
        if (data.classNames().size() > bp.classes()) {
            throw new ModelException("data " + data.name() + " has " + data.classNames().size()
                    + " classes, network '" + net.name() + "' scores " + bp.classes());
        }
        int n = data.size();
        int per = Math.toIntExact(net.inputShape().size());
        float[] images = data.images().floats();
        int[] labels = data.labels();
        Gradients[] local = new Gradients[threads];
        for (int t = 0; t < threads; t++) {
            local[t] = new Gradients(net);
        }
        Gradients total = new Gradients(net);
        Backprop.Pass[] passes = new Backprop.Pass[threads];
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] order = new int[n];
        double lr0 = optimizer.learningRate();
        List<Epoch> history = new ArrayList<>();
        try (Workers workers = new Workers(threads)) {
            for (int e = 0; e < epochs; e++) {
                double lr = lr0 * Math.pow(lrDecay, e);
                optimizer.setLearningRate(lr);
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                shuffle(order, rnd);
                double loss = 0;
                long correct = 0;
                long t0 = System.nanoTime();
                for (int start = 0; start < n; start += batch) {
                    int from = start;
                    int size = Math.min(batch, n - start);
                    float scale = 1f / size;
                    workers.run(t -> {
                        int lo = from + (int) ((long) t * size / threads);
                        int hi = from + (int) ((long) (t + 1) * size / threads);
                        local[t].zero();
                        float[] x = new float[(hi - lo) * per];
                        int[] y = new int[hi - lo];
                        for (int i = lo; i < hi; i++) {
                            System.arraycopy(images, order[i] * per, x, (i - lo) * per, per);
                            y[i - lo] = labels[order[i]];
                        }
                        passes[t] = hi > lo ? bp.train(x, y, hi - lo, scale, local[t]) : new Backprop.Pass(0, 0);
                    });
                    total.zero();
                    for (int t = 0; t < threads; t++) {
                        total.add(local[t]);
                        loss += passes[t].loss();
                        correct += passes[t].correct();
                    }
                    optimizer.step(total);
                    int seen = start + size;
                    double secs = (System.nanoTime() - t0) / 1e9;
                    listener.step(new Progress(e + 1, epochs, seen, n, loss / seen, (double) correct / seen,
                            seen / secs, lr));
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                Epoch done = new Epoch(e + 1, epochs, n, loss / n, (double) correct / n, secs, lr);
                history.add(done);
                listener.epoch(done);
            }
        }
        optimizer.setLearningRate(lr0);
        return history;
    }

    /** Fisher-Yates shuffle. */
    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    /**
     * Required: optimizer, epochs. Optional: batch size (64), seed (0), threads (the available
     * processors), learning-rate decay per epoch (1, none).
     */
    public static final class Builder {
        private Optimizer optimizer;
        private int epochs;
        private int batch = 64;
        private long seed;
        private int threads = Runtime.getRuntime().availableProcessors();
        private double lrDecay = 1;

        public Builder setOptimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder optBatch(int batch) {
            this.batch = batch;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder optLrDecay(double decay) {
            this.lrDecay = decay;
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
