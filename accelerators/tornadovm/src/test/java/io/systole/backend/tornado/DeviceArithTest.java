package io.systole.backend.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.systole.arith.FixedFormat;
import io.systole.arith.FixedMac;
import io.systole.arith.Int8;
import io.systole.arith.Int8Format;
import io.systole.arith.Overflow;
import io.systole.arith.Pooling;
import io.systole.arith.QuantizedMultiplier;
import io.systole.arith.Requant;
import io.systole.arith.Rounding;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.LongArray;

/**
 * Each step of {@link DeviceArith}, compiled by TornadoVM and run on the device, against its
 * definition in {@code io.systole.arith}, on seeded random arguments that reach every rounding and
 * overflow mode, shifts of 64 bits and more, 64-bit overflow, every int8 accumulator width and
 * negative requantization inputs: the kernels' arithmetic is the arith package's, including modes
 * no array configuration uses.
 */
class DeviceArithTest {
    private static final int N = 4096;

    // ---- kernels: one call of a step per element -------------------------------------------------

    /**
     * Int8.accumulate, Requant.requantize with a folded ReLU's clamp, Pooling.divideInt8 and
     * Requant.saturatingRoundingDoublingHighMul.
     */
    public static void int8Steps(IntArray in, IntArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            int acc = in.get(8 * i);
            int b = in.get(8 * i + 1);
            int bits = in.get(8 * i + 2);
            int zp = in.get(8 * i + 5);
            int x = in.get(8 * i + 6);
            out.set(5 * i, DeviceArith.accumulate(acc, b, bits, 0));
            out.set(5 * i + 1, DeviceArith.accumulate(acc, b, bits, 1));
            out.set(5 * i + 2, DeviceArith.requantize(x, in.get(8 * i + 3), in.get(8 * i + 4), zp, Math.max(-128, zp),
                    127));
            out.set(5 * i + 3, DeviceArith.divideInt8(b >> 8, bits));
            out.set(5 * i + 4, DeviceArith.srdhm(x, in.get(8 * i + 7)));
        }
    }

    /** Requant.requantizeFloat. */
    public static void floatScale(IntArray in, FloatArray scales, IntArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, DeviceArith.requantizeFloat(in.get(2 * i), scales.get(i), in.get(2 * i + 1), -128, 127));
        }
    }

    /**
     * FixedFormat.rescale, FixedMac.add, FixedMac.accumulate and Pooling.divideFixed in format
     * fmt (width, fraction bits, rounding, overflow, then the extra fraction bits of the sum).
     */
    public static void fixedSteps(IntArray fmt, LongArray in, IntArray from, LongArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            int w = fmt.get(0);
            int f = fmt.get(1);
            int q = fmt.get(2);
            int o = fmt.get(3);
            long a = in.get(2 * i);
            long b = in.get(2 * i + 1);
            out.set(4 * i, DeviceArith.rescale(w, f, q, o, a, from.get(i)));
            out.set(4 * i + 1, DeviceArith.add(w, o, a, b));
            out.set(4 * i + 2, DeviceArith.accumulate(w, f, q, o, b, a, from.get(i)));
            out.set(4 * i + 3, DeviceArith.divideFixed(a, i % 37 + 1, f + fmt.get(4), w, f, q, o));
        }
    }

    /** FixedMac.finish from the accumulator format acc into the output format out (formats in fmt). */
    public static void fixedFinish(IntArray fmt, LongArray in, LongArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, DeviceArith.finish(in.get(2 * i), in.get(2 * i + 1), fmt.get(0), fmt.get(1), fmt.get(3),
                    fmt.get(4), fmt.get(5), fmt.get(6), fmt.get(7), i % 2));
        }
    }

    // ---- tests -----------------------------------------------------------------------------------

    /** Runs a graph with one task, the arguments sent once and {@code out} brought back. */
    private static void run(TaskGraph tg, Object out) {
        tg.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(tg.snapshot())) {
            plan.withCompilerFlags(TornadoVMBackendType.OPENCL, TaskChain.EXACT_FLAGS).execute();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A long of random magnitude: every bit length from 0 to 64 is about as likely. */
    private static long anyLong(SplittableRandom random) {
        return random.nextLong() >> random.nextInt(64);
    }

    private static void assertSameValues(String what, long[] want, long[] got, IntFunction<String> args) {
        for (int i = 0; i < want.length; i++) {
            int at = i;
            assertEquals(want[i], got[i], () -> what + ", element " + at + " (" + args.apply(at) + ")");
        }
    }

    @Test
    void int8StepsAreTheArithPackages() {
        SplittableRandom random = new SplittableRandom(5);
        IntArray in = new IntArray(8 * N);
        long[] want = new long[5 * N];
        for (int i = 0; i < N; i++) {
            int bits = random.nextInt(Int8Format.MIN_ACC_BITS, Int8Format.MAX_ACC_BITS + 1);
            Int8Format wrap = new Int8Format(bits, Int8Format.AccOverflow.WRAP,
                    Int8Format.RequantMode.MULTIPLIER_SHIFT);
            Int8Format sat = new Int8Format(bits, Int8Format.AccOverflow.SATURATE,
                    Int8Format.RequantMode.MULTIPLIER_SHIFT);
            int acc = random.nextInt(wrap.accMin(), wrap.accMax()) + random.nextInt(2);
            int b = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(-40000, 40000);
            int x = random.nextInt(8) == 0 ? Integer.MIN_VALUE : random.nextInt();
            int c = random.nextInt(4) == 0 ? Integer.MIN_VALUE : random.nextInt();
            QuantizedMultiplier m = Requant.quantizeMultiplier(Math.scalb(random.nextDouble(), random.nextInt(-40, 8)));
            int zp = random.nextInt(-128, 128);
            int[] args = {acc, b, bits, m.multiplier(), m.shift(), zp, x, c};
            for (int j = 0; j < args.length; j++) {
                in.set(8 * i + j, args[j]);
            }
            want[5 * i] = Int8.accumulate(acc, b, wrap, null);
            want[5 * i + 1] = Int8.accumulate(acc, b, sat, null);
            want[5 * i + 2] = Requant.requantize(x, m, zp, Requant.activationMin(zp, true), Requant.QMAX);
            want[5 * i + 3] = Pooling.divideInt8(b >> 8, bits);
            want[5 * i + 4] = Requant.saturatingRoundingDoublingHighMul(x, c);
        }
        IntArray out = new IntArray(5 * N);
        run(new TaskGraph("arith").transferToDevice(DataTransferMode.FIRST_EXECUTION, in)
                .task("t", DeviceArithTest::int8Steps, in, out, N), out);
        long[] got = new long[5 * N];
        for (int i = 0; i < got.length; i++) {
            got[i] = out.get(i);
        }
        String[] step = {"accumulate WRAP", "accumulate SATURATE", "requantize", "divideInt8", "srdhm"};
        assertSameValues("int8 steps", want, got, i -> step[i % 5] + "; arguments acc, addend, bits, multiplier,"
                + " shift, zero point, x, srdhm's b: " + Arrays.toString(Arrays.copyOfRange(
                        in.toHeapArray(), 8 * (i / 5), 8 * (i / 5) + 8)));
    }

    @Test
    void floatScaleRequantizationIsTheArithPackages() {
        SplittableRandom random = new SplittableRandom(6);
        IntArray in = new IntArray(2 * N);
        FloatArray scales = new FloatArray(N);
        long[] want = new long[N];
        for (int i = 0; i < N; i++) {
            // ties of the rounding come from accumulators that are multiples of the scale's denominator
            float scale = random.nextBoolean() ? 1.0f / (1 << random.nextInt(1, 8))
                    : (float) Math.scalb(random.nextDouble(), random.nextInt(-20, 4));
            int acc = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(-600, 600);
            int zp = random.nextInt(-128, 128);
            in.set(2 * i, acc);
            in.set(2 * i + 1, zp);
            scales.set(i, scale);
            want[i] = Requant.requantizeFloat(acc, scale, zp, Requant.QMIN, Requant.QMAX);
        }
        IntArray out = new IntArray(N);
        run(new TaskGraph("arith").transferToDevice(DataTransferMode.FIRST_EXECUTION, in, scales)
                .task("t", DeviceArithTest::floatScale, in, scales, out, N), out);
        long[] got = new long[N];
        for (int i = 0; i < N; i++) {
            got[i] = out.get(i);
        }
        assertSameValues("requantizeFloat", want, got, i -> in.get(2 * i) + " * " + scales.get(i) + " + zp "
                + in.get(2 * i + 1));
    }

    @Test
    void fixedStepsAreTheArithPackages() {
        SplittableRandom random = new SplittableRandom(11);
        for (int width : new int[] {2, 7, 16, 31, 32, 33, 63, 64}) {
            for (Rounding q : Rounding.values()) {
                for (Overflow o : Overflow.values()) {
                    FixedFormat f = new FixedFormat(width, random.nextInt(-width, 2 * width + 1), q, o);
                    int extra = Math.min(3, 2 * FixedFormat.MAX_WIDTH - f.fracBits());
                    FixedFormat sum = new FixedFormat(64, 64 - f.fracBits() - extra, q, o);
                    IntArray fmt = IntArray.fromArray(new int[] {width, f.fracBits(), q.ordinal(), o.ordinal(), extra});
                    LongArray in = new LongArray(2 * N);
                    IntArray from = new IntArray(N);
                    long[] want = new long[4 * N];
                    for (int i = 0; i < N; i++) {
                        long a = random.nextBoolean() ? anyLong(random)
                                : random.nextLong(f.minRaw(), f.maxRaw()) + random.nextInt(2);
                        long b = random.nextLong(f.minRaw(), f.maxRaw()) + random.nextInt(2);
                        int fromFrac = f.fracBits() + random.nextInt(-70, 71);
                        in.set(2 * i, a);
                        in.set(2 * i + 1, b);
                        from.set(i, fromFrac);
                        want[4 * i] = f.rescale(a, fromFrac, null);
                        want[4 * i + 1] = FixedMac.add(a, b, f, null);
                        want[4 * i + 2] = FixedMac.accumulate(b, a, fromFrac, f, null);
                        want[4 * i + 3] = Pooling.divideFixed(a, i % 37 + 1, sum, f, null);
                    }
                    LongArray out = new LongArray(4 * N);
                    run(new TaskGraph("arith").transferToDevice(DataTransferMode.FIRST_EXECUTION, fmt, in, from)
                            .task("t", DeviceArithTest::fixedSteps, fmt, in, from, out, N), out);
                    String[] step = {"rescale", "add", "accumulate", "divideFixed"};
                    assertSameValues(f.toString(), want, out.toHeapArray(), i -> step[i % 4] + " of "
                            + in.get(2 * (i / 4)) + ", " + in.get(2 * (i / 4) + 1) + " from " + from.get(i / 4)
                            + " fraction bits");
                }
            }
        }
    }

    @Test
    void fixedFinishIsTheArithPackages() {
        SplittableRandom random = new SplittableRandom(12);
        for (Rounding q : Rounding.values()) {
            for (Overflow o : Overflow.values()) {
                int width = random.nextInt(2, 33);
                FixedFormat out = new FixedFormat(width, random.nextInt(-width, 2 * width + 1), q, o);
                // an accumulator holding products exactly: 2F fraction bits, so at least F and -2F wide
                int accWidth = random.nextInt(Math.max(2, Math.max(out.fracBits(), -2 * out.fracBits())), 65);
                FixedFormat acc = new FixedFormat(accWidth, accWidth - 2 * out.fracBits(), Rounding.TRN,
                        random.nextBoolean() ? Overflow.WRAP : o);
                IntArray fmt = IntArray.fromArray(new int[] {acc.width(), acc.fracBits(), acc.rounding().ordinal(),
                        acc.overflow().ordinal(), out.width(), out.fracBits(), q.ordinal(), o.ordinal()});
                LongArray in = new LongArray(2 * N);
                long[] want = new long[N];
                for (int i = 0; i < N; i++) {
                    long a = random.nextLong(acc.minRaw(), acc.maxRaw()) + random.nextInt(2);
                    long b = random.nextLong(acc.minRaw(), acc.maxRaw()) >> random.nextInt(64);
                    in.set(2 * i, a);
                    in.set(2 * i + 1, b);
                    want[i] = FixedMac.finish(a, b, acc, out, i % 2 == 1, null);
                }
                LongArray got = new LongArray(N);
                run(new TaskGraph("arith").transferToDevice(DataTransferMode.FIRST_EXECUTION, fmt, in)
                        .task("t", DeviceArithTest::fixedFinish, fmt, in, got, N), got);
                assertSameValues("finish " + acc + " -> " + out, want, got.toHeapArray(),
                        i -> in.get(2 * i) + " + bias " + in.get(2 * i + 1));
            }
        }
    }
}
