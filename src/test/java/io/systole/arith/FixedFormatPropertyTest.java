package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Conversions and accumulation against {@link Model} for every rounding x overflow pair. */
class FixedFormatPropertyTest {
    /** (W, I) pairs: the usual data formats, odd ones, negative and oversized I, accumulators. */
    private static final int[][] SHAPES = {
        {8, 3}, {16, 6}, {13, 5}, {2, 1}, {5, -2}, {3, 6}, {7, 10}, {32, 16}, {32, 0}, {48, 28}, {64, 20}, {64, -3},
    };
    private static final int SAMPLES = 400;
    private static final long[] EXTREMES = {
        Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE >> 1, Long.MAX_VALUE, Long.MAX_VALUE >> 1, -1, 1,
        3L << 61, -(3L << 61),
    };

    static Stream<Arguments> modes() {
        List<Arguments> all = new ArrayList<>();
        for (Rounding q : Rounding.values()) {
            for (Overflow o : Overflow.values()) {
                all.add(Arguments.of(q, o));
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("modes")
    void rescaleMatchesModel(Rounding q, Overflow o) {
        SplittableRandom rnd = new SplittableRandom(1000L * q.ordinal() + o.ordinal());
        for (int[] shape : SHAPES) {
            FixedFormat fmt = new FixedFormat(shape[0], shape[1], q, o);
            for (int n = 0; n < SAMPLES; n++) {
                long raw;
                int from;
                switch (rnd.nextInt(5)) {
                    case 0 -> { // anything
                        raw = rnd.nextLong() >> rnd.nextInt(64);
                        from = fmt.fracBits() + rnd.nextInt(-70, 71);
                    }
                    case 1 -> { // dropping s bits from a value near an edge, at or around a half
                        long t = edge(fmt, rnd);
                        int s = Math.min(rnd.nextInt(1, 40), 62 - (64 - Long.numberOfLeadingZeros(Math.abs(t))));
                        raw = s <= 0 ? t : (t << s) + remainder(s, rnd);
                        from = fmt.fracBits() + Math.max(s, 0);
                    }
                    case 2 -> { // appending u bits to a value whose size is near the range
                        int u = rnd.nextInt(1, 70);
                        int bits = Math.clamp(fmt.width() - u + rnd.nextInt(-2, 3), 1, 64);
                        raw = rnd.nextLong() >> (64 - bits);
                        from = fmt.fracBits() - u;
                    }
                    case 3 -> { // long extremes shifted by about the width of a long
                        raw = EXTREMES[rnd.nextInt(EXTREMES.length)];
                        from = fmt.fracBits() + rnd.nextInt(-66, 67);
                    }
                    default -> { // same grid: only the overflow mode acts
                        raw = edge(fmt, rnd);
                        from = fmt.fracBits();
                    }
                }
                Model.Counts want = new Model.Counts();
                long expected = Model.convert(Model.value(raw, from), fmt, want);
                OverflowCounter got = new OverflowCounter();
                long actual = fmt.rescale(raw, from, got);
                String what = fmt + ".rescale(" + raw + ", " + from + ")";
                assertEquals(expected, actual, what);
                assertEquals(want.overflows, got.overflows(), what + " overflows");
                assertEquals(want.saturations, got.saturations(), what + " saturations");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("modes")
    void fromDoubleMatchesModel(Rounding q, Overflow o) {
        SplittableRandom rnd = new SplittableRandom(2000L * q.ordinal() + o.ordinal());
        for (int[] shape : SHAPES) {
            FixedFormat fmt = new FixedFormat(shape[0], shape[1], q, o);
            for (int n = 0; n < SAMPLES; n++) {
                double v;
                switch (rnd.nextInt(3)) {
                    case 0 -> { // on the quarter grid of the format near an edge: exact halves and quarters
                        long t = edge(fmt, rnd) >> 12; // keep 4t + k within a double's 53 bits
                        if (fmt.width() <= 50) {
                            t = edge(fmt, rnd);
                        }
                        v = Math.scalb((double) (4 * t + rnd.nextInt(-4, 5)), -fmt.fracBits() - 2);
                    }
                    case 1 -> // a random double within a few binades of the format's range
                        v = Math.scalb(rnd.nextDouble(-1, 1), rnd.nextInt(-fmt.fracBits() - 8, fmt.intBits() + 8));
                    default -> { // extremes
                        double[] extremes = {Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -1e-300,
                            Double.MAX_VALUE, -Double.MAX_VALUE, 1e30, -0.0, 0.5, -0.5, 1.5, -2.5};
                        v = extremes[rnd.nextInt(extremes.length)];
                    }
                }
                Model.Counts want = new Model.Counts();
                long expected = Model.convert(new BigDecimal(v), fmt, want);
                OverflowCounter got = new OverflowCounter();
                long actual = fmt.fromDouble(v, got);
                String what = fmt + ".fromDouble(" + v + ")";
                assertEquals(expected, actual, what);
                assertEquals(want.overflows, got.overflows(), what + " overflows");
                assertEquals(want.saturations, got.saturations(), what + " saturations");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("modes")
    void accumulateMatchesModel(Rounding q, Overflow o) {
        SplittableRandom rnd = new SplittableRandom(3000L * q.ordinal() + o.ordinal());
        int[][] accShapes = {{20, 8}, {13, 5}, {24, 4}, {48, 28}, {64, 20}, {64, 64}};
        for (int[] shape : accShapes) {
            FixedFormat acc = new FixedFormat(shape[0], shape[1], q, o);
            for (int n = 0; n < SAMPLES; n++) {
                long a = acc.fit(edge(acc, rnd), null);
                long product = rnd.nextInt(4) == 0 ? edge(acc, rnd) : rnd.nextLong() >> rnd.nextInt(64);
                int productFracBits = acc.fracBits() + rnd.nextInt(-6, 12);
                Model.Counts want = new Model.Counts();
                long converted = Model.convert(Model.value(product, productFracBits), acc, want);
                long expected = Model.overflow(BigInteger.valueOf(a).add(BigInteger.valueOf(converted)),
                        acc.width(), o, want);
                OverflowCounter got = new OverflowCounter();
                long actual = FixedMac.accumulate(a, product, productFracBits, acc, got);
                String what = "accumulate(" + a + ", " + product + ", " + productFracBits + ", " + acc + ")";
                assertEquals(expected, actual, what);
                assertEquals(want.overflows, got.overflows(), what + " overflows");
                assertEquals(want.saturations, got.saturations(), what + " saturations");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Rounding.class)
    void divideAndShiftMatchModel(Rounding q) {
        SplittableRandom rnd = new SplittableRandom(4000L * q.ordinal());
        for (int n = 0; n < 10 * SAMPLES; n++) {
            long num = rnd.nextLong() >> rnd.nextInt(64);
            long den = rnd.nextInt(8) == 0 ? rnd.nextLong(1, Long.MAX_VALUE) : rnd.nextLong(1, 50);
            int shift = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(0, 70);
            BigInteger expected = Model.round(BigInteger.valueOf(num), BigInteger.valueOf(den).shiftLeft(shift), q);
            assertEquals(expected.longValueExact(), q.divide(num, den, shift),
                    q + ".divide(" + num + ", " + den + ", " + shift + ")");
            BigInteger shifted = Model.round(BigInteger.valueOf(num), BigInteger.ONE.shiftLeft(shift), q);
            assertEquals(shifted.longValueExact(), q.shiftRight(num, shift), q + ".shiftRight(" + num + ", " + shift + ")");
        }
    }

    /** A raw value near an edge of the format's range (or 0), sometimes just outside it. */
    private static long edge(FixedFormat fmt, SplittableRandom rnd) {
        long max = fmt.maxRaw();
        long min = fmt.minRaw();
        long d = rnd.nextInt(-3, 4);
        return switch (rnd.nextInt(4)) {
            case 0 -> fmt.width() == 64 && d > 0 ? max : max + d;
            case 1 -> fmt.width() == 64 && d < 0 ? min : min + d;
            case 2 -> d;
            default -> rnd.nextLong(min, max) + (fmt.width() == 64 ? 0 : d);
        };
    }

    /** A remainder below 2^s: 0, exactly half, just below or above half, or anything. */
    private static long remainder(int s, SplittableRandom rnd) {
        long half = 1L << (s - 1);
        return switch (rnd.nextInt(5)) {
            case 0 -> 0;
            case 1 -> half;
            case 2 -> half - 1;
            case 3 -> half + 1 < (1L << s) ? half + 1 : half;
            default -> rnd.nextLong(1L << s);
        };
    }
}
