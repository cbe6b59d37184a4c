package io.systole.quant;

import io.systole.model.Network;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The range of every tensor of a float network over a batch of sample inputs: the network input
 * and every node's output, from the float reference engine ({@link ReferenceEngine#forwardAll})
 * run on chunks of {@value #CHUNK} samples.
 *
 * <ul>
 *   <li>{@link Method#MINMAX}: the smallest and largest value seen.</li>
 *   <li>{@link Method#PERCENTILE} with {@code 50 < p <= 100}: both tails of the value distribution are
 *       clipped by nearest rank. Of the n values of a tensor (every sample, every element)
 *       sorted ascending as {@code v[0..n-1]}, with {@code k = ceil(p/100 * n)} (at least 1,
 *       computed exactly in decimal), the range is {@code [v[n-k], v[k-1]]}: p = 100 is min/max,
 *       p = 99.99 drops the lowest and the highest 0.01 % of the values. It keeps every value
 *       of the batch in memory (4 bytes per activation per sample).</li>
 * </ul>
 * Weights are not calibrated here: their per-channel scales come from their largest magnitude.
 */
public final class Calibration {
    /** Samples per float forward pass. */
    static final int CHUNK = 64;

    /** How a tensor's range is taken from its values. */
    public enum Method {
        MINMAX, PERCENTILE;

        /** {@code minmax} or {@code percentile}. */
        public static Method parse(String text) {
            return switch (text) {
                case "minmax" -> MINMAX;
                case "percentile" -> PERCENTILE;
                default -> throw new IllegalArgumentException("calibration method '" + text
                        + "' is unknown: expected minmax or percentile");
            };
        }
    }

    /** A closed interval of real values, {@code min <= max}. */
    public record Range(float min, float max) {
        public Range {
            if (!(min <= max)) {
                throw new IllegalArgumentException("range [" + min + ", " + max + "] is empty or not a number");
            }
        }
    }

    /** Told after each chunk, for progress displays. */
    @FunctionalInterface
    public interface Progress {
        void samples(int done, int total);
    }

    private final Method method;
    private final double percentile;
    private final int samples;
    private final Map<String, Range> ranges;

    Calibration(Method method, double percentile, int samples, Map<String, Range> ranges) {
        this.method = method;
        this.percentile = percentile;
        this.samples = samples;
        this.ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    }

    /** Min/max ranges over a batch (n, ...input shape). */
    public static Calibration minMax(Network net, Tensor batch) {
        return run(net, batch, Method.MINMAX, 100, (d, t) -> { });
    }

    /**
     * Ranges over a batch (n, ...input shape) by {@code method}; {@code percentile} in (50, 100]
     * is used by {@link Method#PERCENTILE} only.
     */
    public static Calibration run(Network net, Tensor batch, Method method, double percentile, Progress progress) {
        if (method == Method.PERCENTILE && !(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile " + percentile + " is out of range: expected 50 < p <= 100");
        }
        ReferenceEngine.checkInput(net, batch);
        int n = batch.dim(0);
        if (n < 1) {
            throw new IllegalArgumentException("calibration of '" + net.name() + "' needs at least one sample");
        }
        Map<String, float[]> lohi = new LinkedHashMap<>();
        Map<String, float[]> all = new LinkedHashMap<>();
        Map<String, Integer> filled = new LinkedHashMap<>();
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            Map<String, Tensor> values = ReferenceEngine.forwardAll(net, batch.slice(from, to));
            for (Map.Entry<String, Tensor> e : values.entrySet()) {
                float[] v = e.getValue().floats();
                float[] m = lohi.computeIfAbsent(e.getKey(), k -> new float[] {Float.POSITIVE_INFINITY,
                    Float.NEGATIVE_INFINITY});
                for (float x : v) {
                    if (!Float.isFinite(x)) {
                        throw new IllegalArgumentException("calibration of '" + net.name() + "': tensor '" + e.getKey()
                                + "' holds " + x + " for a sample in " + from + ".." + (to - 1));
                    }
                    m[0] = Math.min(m[0], x);
                    m[1] = Math.max(m[1], x);
                }
                if (method == Method.PERCENTILE) {
                    int per = v.length / (to - from);
                    float[] dst = all.computeIfAbsent(e.getKey(), k -> new float[Math.multiplyExact(per, n)]);
                    int at = filled.getOrDefault(e.getKey(), 0);
                    System.arraycopy(v, 0, dst, at, v.length);
                    filled.put(e.getKey(), at + v.length);
                }
            }
            progress.samples(to, n);
        }
        Map<String, Range> ranges = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : lohi.entrySet()) {
            ranges.put(e.getKey(), method == Method.MINMAX ? new Range(e.getValue()[0], e.getValue()[1])
                    : percentileRange(all.get(e.getKey()), percentile));
        }
        return new Calibration(method, method == Method.PERCENTILE ? percentile : 100, n, ranges);
    }

    /** Given ranges, as if calibrated by min/max over {@code samples} samples (tests, tools). */
    public static Calibration of(Map<String, Range> ranges, int samples) {
        return new Calibration(Method.MINMAX, 100, samples, ranges);
    }

    /** The nearest-rank range of both tails: {@code [v[n-k], v[k-1]]}, {@code k = max(1, ceil(p/100 * n))}. */
    static Range percentileRange(float[] values, double p) {
        float[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        int k = BigDecimal.valueOf(p).multiply(BigDecimal.valueOf(n)).divide(BigDecimal.valueOf(100), 0,
                RoundingMode.CEILING).intValueExact();
        k = Math.clamp(k, 1, n); // p > 50, so n - k <= k - 1
        return new Range(v[n - k], v[k - 1]);
    }

    public Method method() {
        return method;
    }

    /** The percentile of {@link Method#PERCENTILE}; 100 for min/max. */
    public double percentile() {
        return percentile;
    }

    /** Samples in the batch. */
    public int samples() {
        return samples;
    }

    /** Ranges by tensor name: {@link Network#INPUT} and every node. */
    public Map<String, Range> ranges() {
        return ranges;
    }

    /** The range of one tensor. */
    public Range range(String tensor) {
        Range r = ranges.get(tensor);
        if (r == null) {
            throw new IllegalArgumentException("calibration has no range for tensor '" + tensor + "'");
        }
        return r;
    }
}
