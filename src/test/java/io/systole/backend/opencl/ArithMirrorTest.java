package io.systole.backend.opencl;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each step of {@code systole_arith.cl} against its Java definition in {@code io.systole.arith},
 * on seeded random arguments that reach every rounding and overflow mode, shifts of 64 bits and
 * more, 64-bit overflow and every accumulator width: the kernels' arithmetic is the arith
 * package's, including the modes no simulator configuration uses.
 */
class ArithMirrorTest {
  private static final int N = 2048;
  private static ClContext context;
  private static ClQueue queue;
  private static ClProgram program;

  @BeforeAll
  static void build() {
    context = ClContext.create(OpenClTestSupport.device());
    queue = context.createQueue();
    String source =
        ClProgram.loadSource("systole_arith") + "\n" + ClProgram.loadSource("systole_arith_test");
    program = context.program("arith mirror test", source, ClProgram.DEFAULT_OPTIONS);
  }

  @AfterAll
  static void release() {
    if (context != null) {
      queue.close();
      context.close();
    }
  }

  /** Runs {@code name} over N work-items with these arguments, then the output buffer's values. */
  private static long[] run(String name, int outputs, boolean wide, Object... args) {
    try (ClKernel kernel = program.createKernel(name)) {
      java.util.List<ClBuffer> buffers = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < args.length; i++) {
          switch (args[i]) {
            case Integer v -> kernel.setInt(i, v);
            default -> {
              ClBuffer b = DeviceLayout.upload(context, queue, args[i]);
              buffers.add(b);
              kernel.setBuffer(i, b);
            }
          }
        }
        ClBuffer out = context.createBuffer((long) outputs * (wide ? 8 : 4));
        buffers.add(out);
        kernel.setBuffer(args.length, out);
        queue.enqueue(kernel, new long[] {N}, null);
        if (wide) {
          long[] got = new long[outputs];
          out.read(queue, got);
          return got;
        }
        int[] got = new int[outputs];
        out.read(queue, got);
        return Arrays.stream(got).asLongStream().toArray();
      } finally {
        buffers.forEach(ClBuffer::close);
      }
    }
  }

  private static int[] fmt(FixedFormat f) {
    return new int[] {f.width(), f.fracBits(), f.rounding().ordinal(), f.overflow().ordinal()};
  }

  /** A long of random magnitude: every bit length from 0 to 64 is about as likely. */
  private static long anyLong(SplittableRandom random) {
    return random.nextLong() >> random.nextInt(64);
  }

  private static FixedFormat anyFormat(SplittableRandom random, int width) {
    return new FixedFormat(width, random.nextInt(-width, 2 * width + 1),
        Rounding.values()[random.nextInt(Rounding.values().length)],
        Overflow.values()[random.nextInt(Overflow.values().length)]);
  }

  @Test
  void rescaleAndAddAreFixedFormats() {
    SplittableRandom random = new SplittableRandom(11);
    for (int width : new int[] {2, 7, 16, 31, 32, 33, 63, 64}) {
      for (Rounding q : Rounding.values()) {
        for (Overflow o : Overflow.values()) {
          FixedFormat f = new FixedFormat(width, random.nextInt(-width, 2 * width + 1), q, o);
          long[] raw = new long[N];
          int[] from = new int[N];
          long[] a = new long[N];
          long[] b = new long[N];
          long[] wantRescale = new long[N];
          long[] wantAdd = new long[N];
          for (int i = 0; i < N; i++) {
            raw[i] = anyLong(random);
            from[i] = f.fracBits() + random.nextInt(-70, 71);
            wantRescale[i] = f.rescale(raw[i], from[i], null);
            a[i] = random.nextLong(f.minRaw(), f.maxRaw()) + random.nextInt(2);
            b[i] = random.nextLong(f.minRaw(), f.maxRaw()) + random.nextInt(2);
            wantAdd[i] = FixedMac.add(a[i], b[i], f, null);
          }
          ClDifferential.assertSameValues("rescale into " + f, wantRescale,
              run("rescale", N, true, fmt(f), raw, from),
              i -> "raw " + raw[i] + " with " + from[i] + " fraction bits");
          ClDifferential.assertSameValues("add in " + f, wantAdd,
              run("add", N, true, fmt(f), a, b), i -> a[i] + " + " + b[i]);
        }
      }
    }
  }

  @Test
  void fixedAverageDivision() {
    SplittableRandom random = new SplittableRandom(13);
    for (int t = 0; t < 40; t++) {
      FixedFormat out = anyFormat(random, random.nextInt(2, 33));
      int sumWidth = random.nextInt(out.width(), 65);
      int sumFrac = out.fracBits() + random.nextInt(0, 2 * sumWidth - out.fracBits() + 1);
      FixedFormat sum = new FixedFormat(sumWidth, sumWidth - sumFrac, Rounding.TRN, Overflow.WRAP);
      long[] s = new long[N];
      int[] count = new int[N];
      long[] want = new long[N];
      for (int i = 0; i < N; i++) {
        s[i] = random.nextLong(sum.minRaw(), sum.maxRaw()) + random.nextInt(2);
        count[i] = random.nextInt(1, 50);
        want[i] = Pooling.divideFixed(s[i], count[i], sum, out, null);
      }
      ClDifferential.assertSameValues("average " + sum + " into " + out, want,
          run("divide_fixed", N, true, fmt(sum), fmt(out), s, count),
          i -> s[i] + " / " + count[i]);
    }
  }

  @Test
  void int8AccumulatorsWrapOrSaturate() {
    SplittableRandom random = new SplittableRandom(17);
    for (int bits = Int8Format.MIN_ACC_BITS; bits <= Int8Format.MAX_ACC_BITS; bits++) {
      for (Int8Format.AccOverflow o : Int8Format.AccOverflow.values()) {
        Int8Format f = new Int8Format(bits, o, Int8Format.RequantMode.MULTIPLIER_SHIFT);
        int[] acc = new int[N];
        int[] addend = new int[N];
        long[] want = new long[N];
        for (int i = 0; i < N; i++) {
          acc[i] = (int) random.nextLong(f.accMin(), f.accMax() + 1L);
          addend[i] = random.nextBoolean() ? random.nextInt() : random.nextInt(-32640, 32641);
          want[i] = Int8.accumulate(acc[i], addend[i], f, null);
        }
        ClDifferential.assertSameValues("accumulate " + f, want,
            run("accumulate", N, false, bits, o == Int8Format.AccOverflow.SATURATE ? 1 : 0, acc,
                addend),
            i -> acc[i] + " + " + addend[i]);
      }
    }
  }

  @Test
  void requantizationAndInt8Average() {
    SplittableRandom random = new SplittableRandom(19);
    for (int t = 0; t < 20; t++) {
      int zp = random.nextInt(-128, 128);
      int qmin = Requant.activationMin(zp, random.nextBoolean());
      int[] acc = new int[N];
      int[] m = new int[N];
      int[] shift = new int[N];
      float[] scale = new float[N];
      long[] want = new long[2 * N];
      for (int i = 0; i < N; i++) {
        acc[i] = random.nextBoolean() ? random.nextInt() : random.nextInt(-70000, 70000);
        double real = Math.scalb(random.nextDouble(), random.nextInt(-40, 20));
        QuantizedMultiplier q = Requant.quantizeMultiplier(real);
        m[i] = q.multiplier();
        shift[i] = q.shift();
        scale[i] = (float) real;
        want[i] = Requant.requantize(acc[i], q, zp, qmin, Requant.QMAX);
        want[N + i] = Requant.requantizeFloat(acc[i], scale[i], zp, qmin, Requant.QMAX);
      }
      ClDifferential.assertSameValues("requantize, zero point " + zp + ", qmin " + qmin, want,
          run("requantize_both", 2 * N, false, N, zp, qmin, acc, m, shift, scale),
          i -> "acc " + acc[i % N] + ", multiplier " + m[i % N] + ", shift " + shift[i % N]
              + ", scale " + scale[i % N]);
    }
    int[] sum = new int[N];
    int[] count = new int[N];
    long[] want = new long[N];
    for (int i = 0; i < N; i++) {
      count[i] = random.nextInt(1, 200);
      sum[i] = random.nextInt(-128 * count[i], 128 * count[i]);
      want[i] = Pooling.divideInt8(sum[i], count[i]);
    }
    ClDifferential.assertSameValues("int8 average", want,
        run("divide_int8", N, false, sum, count), i -> sum[i] + " / " + count[i]);
  }
}
