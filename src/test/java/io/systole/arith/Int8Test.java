package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The int8 accumulation steps and their fold structure. */
class Int8Test {
    private static final Int8Format SAT16 = new Int8Format(16, Int8Format.AccOverflow.SATURATE,
            Int8Format.RequantMode.MULTIPLIER_SHIFT);

    @Test
    void accumulateMatchesModel() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int bits : new int[] {16, 20, 24, 31, 32}) {
            for (Int8Format.AccOverflow o : Int8Format.AccOverflow.values()) {
                Int8Format f = new Int8Format(bits, o, Int8Format.RequantMode.MULTIPLIER_SHIFT);
                for (int n = 0; n < 3000; n++) {
                    int acc = (int) rnd.nextLong(f.accMin(), f.accMax() + 1L);
                    int addend = n % 2 == 0 ? rnd.nextInt(-32640, 32641) : rnd.nextInt();
                    BigInteger sum = BigInteger.valueOf(acc).add(BigInteger.valueOf(addend));
                    Model.Counts want = new Model.Counts();
                    long expected = Model.overflow(sum, bits, o == Int8Format.AccOverflow.WRAP ? Overflow.WRAP : Overflow.SAT, want);
                    OverflowCounter got = new OverflowCounter();
                    assertEquals(expected, Int8.accumulate(acc, addend, f, got), f + ": " + acc + " + " + addend);
                    assertEquals(want.overflows, got.overflows());
                    assertEquals(want.saturations, got.saturations());
                }
            }
        }
    }

    @Test
    void accumulatorEdges() {
        assertEquals(Integer.MIN_VALUE, Int8.accumulate(Integer.MAX_VALUE, 1, Int8Format.DEFAULT, null));
        Int8Format sat32 = new Int8Format(32, Int8Format.AccOverflow.SATURATE, Int8Format.RequantMode.MULTIPLIER_SHIFT);
        assertEquals(Integer.MAX_VALUE, Int8.accumulate(Integer.MAX_VALUE, 1, sat32, null));
        assertEquals(Integer.MIN_VALUE, Int8.accumulate(Integer.MIN_VALUE, -1, sat32, null));
        assertEquals(32767, Int8.accumulate(32000, 32000, SAT16, null));
        assertEquals(-32768, Int8.accumulate(-32000, -32000, SAT16, null));
        Int8Format wrap24 = new Int8Format(24, Int8Format.AccOverflow.WRAP, Int8Format.RequantMode.MULTIPLIER_SHIFT);
        assertEquals(-(1 << 23), Int8.accumulate((1 << 23) - 1, 1, wrap24, null));
    }

    @Test
    void paddingAtTheZeroPointContributesNothing() {
        assertEquals(0, Int8.product(-3, -3, 127));
        assertEquals(255 * -128, Int8.product(127, -128, -128));
    }

    @Test
    void saturatingOrderMatters() {
        byte[] x = {127, 127, 127, -128, -128, -128};
        byte[] w = {127, 127, 127, 127, 127, 127};
        OverflowCounter os = new OverflowCounter();
        OverflowCounter ws = new OverflowCounter();
        // OS: 16129, 32258, 32767 (sat), 16511, 255, -16001.
        assertEquals(-16001, Int8.dotOs(x, 0, 0, w, 0, 6, SAT16, os));
        // WS, 3 rows: fold sums 32767 (sat) and -32768 (sat), then -1.
        assertEquals(-1, Int8.dotWs(x, 0, 0, w, 0, 6, 3, SAT16, ws));
        assertEquals(1, os.overflows());
        assertEquals(2, ws.saturations());
        assertEquals(-16001, Int8.dotWs(x, 0, 0, w, 0, 6, 6, SAT16, null));
        assertEquals(-16001, Int8.dotWs(x, 0, 0, w, 0, 6, 64, SAT16, null));
        assertNotEquals(Int8.dotOs(x, 0, 0, w, 0, 6, SAT16, null), Int8.dotWs(x, 0, 0, w, 0, 6, 2, SAT16, null));
    }

    @Test
    void dotWsMatchesExplicitFolds() {
        SplittableRandom rnd = new SplittableRandom(22);
        Int8Format[] formats = {Int8Format.DEFAULT, SAT16,
            new Int8Format(18, Int8Format.AccOverflow.WRAP, Int8Format.RequantMode.FLOAT_SCALE)};
        for (int n = 0; n < 300; n++) {
            int k = rnd.nextInt(1, 80);
            int rows = new int[] {1, 2, 3, 5, 8, 16, 17, 100}[rnd.nextInt(8)];
            int off = rnd.nextInt(3);
            byte[] x = new byte[k + off];
            byte[] w = new byte[k + off];
            for (int i = 0; i < k + off; i++) {
                x[i] = (byte) rnd.nextInt(-128, 128);
                w[i] = (byte) rnd.nextInt(-127, 128);
            }
            int zp = rnd.nextInt(-128, 128);
            Int8Format f = formats[n % formats.length];
            // The fold ends after every rows-th element and after the last one.
            int acc = 0;
            int partial = 0;
            for (int i = 0; i < k; i++) {
                partial = Int8.accumulate(partial, (x[off + i] - zp) * w[off + i], f, null);
                if ((i + 1) % rows == 0 || i == k - 1) {
                    acc = Int8.accumulate(acc, partial, f, null);
                    partial = 0;
                }
            }
            assertEquals(acc, Int8.dotWs(x, off, zp, w, off, k, rows, f, null), f + " k=" + k + " rows=" + rows);
            if (f.accOverflow() == Int8Format.AccOverflow.WRAP) {
                assertEquals(acc, Int8.dotOs(x, off, zp, w, off, k, f, null), "wrapping sums do not depend on the order");
            }
        }
    }

    @Test
    void rowsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Int8.dotWs(new byte[1], 0, 0, new byte[1], 0, 1, 0, Int8Format.DEFAULT, null));
    }
}
