package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fixed-point product, output step and fold structure. */
class FixedMacTest {
    private static final FixedFormat DATA = new FixedFormat(8, 3, Rounding.RND, Overflow.SAT); // F = 5
    private static final FixedFormat ACC = FixedFormat.defaultAccumulator(DATA); // fixed<32,22>, F = 10

    @Test
    void productsOfDataFormatsAreExact() {
        assertEquals(1L << 62, FixedMac.multiply(Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(-32 * 48, FixedMac.multiply(-32, 48)); // -1.0 * 1.5 with 10 fraction bits
    }

    @Test
    void finishAddsBiasConvertsThenRelu() {
        assertEquals(32, FixedMac.finish(1000, 24, ACC, DATA, false, null)); // 1000 + 24 = 1.0
        assertEquals(2, FixedMac.finish(48, 0, ACC, DATA, false, null)); // 1.5 out raw: RND up
        assertEquals(-1, FixedMac.finish(-48, 0, ACC, DATA, false, null)); // -1.5: RND ties up
        assertEquals(0, FixedMac.finish(-48, 0, ACC, DATA, true, null));
        OverflowCounter c = new OverflowCounter();
        assertEquals(127, FixedMac.finish(1 << 20, 0, ACC, DATA, true, c));
        assertEquals(-128, FixedMac.finish(-(1 << 20), 0, ACC, DATA, false, c));
        assertEquals(2, c.saturations());
        // The bias add wraps in a wrapping accumulator before the output saturates.
        assertEquals(-128, FixedMac.finish(ACC.maxRaw(), 1, ACC, DATA, false, c));
        assertEquals(4, c.overflows());
    }

    @Test
    void saturatingAccumulatorMakesTheOrderMatter() {
        FixedFormat acc = new FixedFormat(12, 2, Rounding.TRN, Overflow.SAT); // F = 10, raw -2048..2047
        long[] x = {32, 32, 32, -32, -32, -32}; // 1, 1, 1, -1, -1, -1 in DATA
        long[] w = {32, 32, 32, 32, 32, 32};
        assertEquals(-1025, FixedMac.dotOs(x, 0, w, 0, 6, 10, acc, null)); // 1024, 2047 (sat), 2047, 1023, -1, -1025
        assertEquals(-1, FixedMac.dotWs(x, 0, w, 0, 6, 3, 10, acc, null)); // folds 2047 (sat) and -2048 (sat)
        assertEquals(-1025, FixedMac.dotWs(x, 0, w, 0, 6, 6, 10, acc, null));
    }

    @Test
    void dotWsMatchesExplicitFolds() {
        SplittableRandom rnd = new SplittableRandom(41);
        FixedFormat[] accs = {ACC, new FixedFormat(14, 4, Rounding.RND_CONV, Overflow.SAT_SYM),
            new FixedFormat(13, 5, Rounding.RND_INF, Overflow.WRAP), new FixedFormat(16, 9, Rounding.TRN_ZERO, Overflow.SAT_ZERO)};
        for (int n = 0; n < 400; n++) {
            FixedFormat acc = accs[n % accs.length];
            int k = rnd.nextInt(1, 50);
            int rows = new int[] {1, 2, 3, 8, 9, 64}[rnd.nextInt(6)];
            long[] x = new long[k];
            long[] w = new long[k];
            for (int i = 0; i < k; i++) {
                x[i] = rnd.nextInt(-128, 128);
                w[i] = rnd.nextInt(-128, 128);
            }
            OverflowCounter want = new OverflowCounter();
            long total = 0;
            long partial = 0;
            for (int i = 0; i < k; i++) {
                partial = FixedMac.accumulate(partial, x[i] * w[i], 10, acc, want);
                if ((i + 1) % rows == 0 || i == k - 1) {
                    total = FixedMac.add(total, partial, acc, want);
                    partial = 0;
                }
            }
            OverflowCounter got = new OverflowCounter();
            assertEquals(total, FixedMac.dotWs(x, 0, w, 0, k, rows, 10, acc, got), acc + " k=" + k + " rows=" + rows);
            assertEquals(want.toString(), got.toString());
        }
    }

    @Test
    void addAtTheLimitsOfALong() {
        FixedFormat wide = new FixedFormat(64, 20, Rounding.TRN, Overflow.SAT);
        assertEquals(Long.MAX_VALUE, FixedMac.add(Long.MAX_VALUE, 1, wide, null));
        assertEquals(Long.MIN_VALUE, FixedMac.add(Long.MIN_VALUE, -1, wide, null));
        FixedFormat wrap = new FixedFormat(64, 20);
        assertEquals(Long.MIN_VALUE, FixedMac.add(Long.MAX_VALUE, 1, wrap, null));
        FixedFormat sym = new FixedFormat(64, 20, Rounding.TRN, Overflow.SAT_SYM);
        assertEquals(-Long.MAX_VALUE, FixedMac.add(Long.MIN_VALUE + 1, -1, sym, null));
    }
}
