package io.systole.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.FixedFormat;
import io.systole.arith.FixedMac;
import io.systole.arith.Int8;
import io.systole.arith.Int8Format;
import io.systole.arith.Overflow;
import io.systole.arith.Pooling;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.arith.Rounding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hls/systole_arith.h} against {@code io.systole.arith}: seeded vectors over every
 * rounding and overflow mode, format widths 2..64, extreme and boundary values, computed in
 * Java and checked by a small C++ program compiled with g++.
 */
class ArithMirrorTest {
    private static final int PER_OPERATION = 20_000;

    @TempDir
    Path dir;

    @Test
    void everyStepEqualsJava() throws IOException, InterruptedException {
        SplittableRandom rnd = new SplittableRandom(6);
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < PER_OPERATION; i++) {
            FixedFormat f = format(rnd, FixedFormat.MAX_WIDTH);
            long raw = value(rnd);
            int from = rnd.nextInt(-80, 200);
            v.append("rescale ").append(fmt(f)).append(' ').append(raw).append(' ').append(from)
                    .append(" -> ").append(f.rescale(raw, from, null)).append('\n');

            long a = inRange(rnd, f);
            long b = inRange(rnd, f);
            v.append("add ").append(fmt(f)).append(' ').append(a).append(' ').append(b).append(" -> ")
                    .append(FixedMac.add(a, b, f, null)).append('\n');

            Rounding q = Rounding.values()[rnd.nextInt(Rounding.values().length)];
            long num = value(rnd);
            long den = rnd.nextBoolean() ? rnd.nextLong(1, 50) : rnd.nextLong(1, Long.MAX_VALUE);
            int shift = rnd.nextInt(0, 70);
            v.append("divide ").append(q.ordinal()).append(' ').append(num).append(' ').append(den).append(' ')
                    .append(shift).append(" -> ").append(q.divide(num, den, shift)).append('\n');

            FixedFormat data = format(rnd, FixedFormat.MAX_DATA_WIDTH);
            int accBits = rnd.nextInt(Math.max(2, 2 * data.width() - 8), FixedFormat.MAX_WIDTH + 1);
            FixedFormat acc;
            try {
                acc = new FixedFormat(accBits, accBits - 2 * data.fracBits(), Rounding.TRN, Overflow.WRAP);
            } catch (IllegalArgumentException e) {
                acc = FixedFormat.defaultAccumulator(data);
            }
            long sum = inRange(rnd, acc);
            long bias = inRange(rnd, acc);
            boolean relu = rnd.nextBoolean();
            v.append("finish ").append(fmt(acc)).append(' ').append(fmt(data)).append(' ').append(sum).append(' ')
                    .append(bias).append(' ').append(relu ? 1 : 0).append(" -> ")
                    .append(FixedMac.finish(sum, bias, acc, data, relu, null)).append('\n');
            if (acc.fracBits() >= data.fracBits()) {
                int count = rnd.nextInt(1, 50);
                v.append("pooldiv ").append(fmt(acc)).append(' ').append(fmt(data)).append(' ').append(sum).append(' ')
                        .append(count).append(" -> ").append(Pooling.divideFixed(sum, count, acc, data, null))
                        .append('\n');
            }

            Int8Format i8 = new Int8Format(rnd.nextInt(16, 33), rnd.nextBoolean() ? Int8Format.AccOverflow.WRAP
                    : Int8Format.AccOverflow.SATURATE, Int8Format.RequantMode.MULTIPLIER_SHIFT);
            int acc8 = (int) rnd.nextLong(i8.accMin(), i8.accMax() + 1L);
            int addend = rnd.nextBoolean() ? Int8.product(rnd.nextInt(-128, 128), rnd.nextInt(-128, 128),
                    rnd.nextInt(-128, 128)) : rnd.nextInt();
            v.append("i8acc ").append(i8.accBits()).append(' ')
                    .append(i8.accOverflow() == Int8Format.AccOverflow.SATURATE ? 1 : 0).append(' ').append(acc8)
                    .append(' ').append(addend).append(" -> ").append(Int8.accumulate(acc8, addend, i8, null))
                    .append('\n');

            int x = int32(rnd);
            int y = int32(rnd);
            v.append("srdhm ").append(x).append(' ').append(y).append(" -> ")
                    .append(Requant.saturatingRoundingDoublingHighMul(x, y)).append('\n');
            int e = rnd.nextInt(0, 32);
            v.append("rdbpot ").append(x).append(' ').append(e).append(" -> ")
                    .append(Requant.roundingDivideByPOT(x, e)).append('\n');

            QuantizedMultiplier m = Requant.quantizeMultiplier(Math.scalb(rnd.nextDouble(0.5, 1), rnd.nextInt(-31, 8)));
            int zp = rnd.nextInt(-128, 128);
            int lo = rnd.nextBoolean() ? Requant.QMIN : Requant.activationMin(zp, true);
            v.append("requant ").append(x).append(' ').append(m.multiplier()).append(' ').append(m.shift()).append(' ')
                    .append(zp).append(' ').append(lo).append(' ').append(Requant.QMAX).append(" -> ")
                    .append(Requant.requantize(x, m, zp, lo, Requant.QMAX)).append('\n');
            float scale = (float) Math.scalb(rnd.nextDouble(0.5, 1), rnd.nextInt(-40, 4));
            int acc32 = rnd.nextBoolean() ? x : rnd.nextInt(-100_000, 100_000);
            v.append("requantf ").append(acc32).append(' ').append(Integer.toUnsignedString(Float.floatToRawIntBits(scale)))
                    .append(' ').append(zp).append(' ').append(lo).append(' ').append(Requant.QMAX).append(" -> ")
                    .append(Requant.requantizeFloat(acc32, scale, zp, lo, Requant.QMAX)).append('\n');
            int count = rnd.nextInt(1, 200);
            int s8 = rnd.nextInt(-128 * count, 128 * count);
            v.append("pooldiv8 ").append(s8).append(' ').append(count).append(" -> ")
                    .append(Pooling.divideInt8(s8, count)).append('\n');
        }
        Path vectors = dir.resolve("vectors.txt");
        Files.writeString(vectors, v);
        Files.write(dir.resolve("systole_arith.h"), resource("/hls/systole_arith.h"));
        Files.write(dir.resolve("arith_check.cpp"), resource("arith_check.cpp"));
        Csim.Result build = Csim.run(dir, List.of("g++", "-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-o",
                "arith_check", "arith_check.cpp"));
        assertEquals(0, build.code(), build.output());
        Csim.Result run = Csim.run(dir, List.of("./arith_check", vectors.toString()));
        assertEquals(0, run.code(), run.output());
        assertTrue(run.output().contains("PASS"), run.output());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ArithMirrorTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static String fmt(FixedFormat f) {
        return f.width() + " " + f.intBits() + " " + f.rounding().ordinal() + " " + f.overflow().ordinal();
    }

    private static FixedFormat format(SplittableRandom rnd, int maxWidth) {
        int w = rnd.nextInt(2, maxWidth + 1);
        return new FixedFormat(w, rnd.nextInt(-w, 2 * w + 1), Rounding.values()[rnd.nextInt(Rounding.values().length)],
                Overflow.values()[rnd.nextInt(Overflow.values().length)]);
    }

    /** A long from a mix of ranges: small, near powers of two, the extremes, anything. */
    private static long value(SplittableRandom rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> rnd.nextLong(-300, 300);
            case 1 -> (rnd.nextBoolean() ? 1L : -1L) * (1L << rnd.nextInt(63)) + rnd.nextLong(-2, 3);
            case 2 -> rnd.nextBoolean() ? Long.MAX_VALUE - rnd.nextLong(3) : Long.MIN_VALUE + rnd.nextLong(3);
            default -> rnd.nextLong() >> rnd.nextInt(64);
        };
    }

    /** A raw value of a format, boundaries often. */
    private static long inRange(SplittableRandom rnd, FixedFormat f) {
        return switch (rnd.nextInt(4)) {
            case 0 -> f.maxRaw() - rnd.nextLong(3);
            case 1 -> f.minRaw() + rnd.nextLong(3);
            default -> f.maxRaw() == Long.MAX_VALUE ? rnd.nextLong() : rnd.nextLong(f.minRaw(), f.maxRaw() + 1);
        };
    }

    private static int int32(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextBoolean() ? Integer.MIN_VALUE + rnd.nextInt(3) : Integer.MAX_VALUE - rnd.nextInt(3);
            case 1 -> rnd.nextInt(-1000, 1000);
            default -> rnd.nextInt() >> rnd.nextInt(32);
        };
    }
}
