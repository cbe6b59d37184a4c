package io.systole.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The float32 accumulation orders, compared by bits. */
class Float32OrderTest {

    private static void assertBits(float expected, float actual, String what) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                () -> what + ": expected " + expected + " but was " + actual);
    }

    private static float[] randoms(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.scalb(rnd.nextDouble(-1, 1), rnd.nextInt(-6, 7));
        }
        return v;
    }

    @Test
    void oneFoldIsThePlainFmaChainPlusBias() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int n = 0; n < 500; n++) {
            int k = rnd.nextInt(1, 60);
            float[] x = randoms(rnd, k);
            float[] w = randoms(rnd, k);
            float bias = (float) rnd.nextDouble(-4, 4);
            float chain = 0.0f;
            for (int i = 0; i < k; i++) {
                chain = Math.fma(x[i], w[i], chain);
            }
            int rows = k + rnd.nextInt(0, 5);
            assertBits(chain + bias, Float32Order.addBias(Float32Order.dotWs(x, 0, w, 0, k, rows), bias), "k=" + k);
            assertBits(chain + bias, Float32Order.addBias(Float32Order.dotOs(x, 0, w, 0, k), bias), "OS k=" + k);
        }
    }

    @Test
    void oneRowRoundsEveryProductThenSumsInOrder() {
        SplittableRandom rnd = new SplittableRandom(32);
        for (int n = 0; n < 500; n++) {
            int k = rnd.nextInt(1, 60);
            float[] x = randoms(rnd, k);
            float[] w = randoms(rnd, k);
            float sum = 0.0f;
            for (int i = 0; i < k; i++) {
                float product = x[i] * w[i];
                sum = sum + product;
            }
            assertBits(sum, Float32Order.dotWs(x, 0, w, 0, k, 1), "k=" + k);
        }
    }

    @Test
    void weightAndOutputStationaryOrdersGiveDifferentBits() {
        float[] x = {0x1p24f, 1f, 1f, 1f};
        float[] w = {1f, 1f, 1f, 1f};
        // OS: 2^24 + 1 ties to even three times and stays 2^24.
        assertBits(0x1p24f, Float32Order.dotOs(x, 0, w, 0, 4), "output-stationary");
        // WS, 2 rows: folds 2^24 + 1 -> 2^24 and 1 + 1 = 2; 2^24 + 2 is exact.
        assertBits(0x1p24f + 2f, Float32Order.dotWs(x, 0, w, 0, 4, 2), "weight-stationary");
        assertNotEquals(Float32Order.dotOs(x, 0, w, 0, 4), Float32Order.dotWs(x, 0, w, 0, 4, 2));
    }

    @Test
    void fusedMultiplyAddKeepsTheExactProduct() {
        float a = 1f + 0x1p-12f;
        float[] x = {-1f, a};
        float[] w = {1f + 0x1p-11f, a};
        // a * a = 1 + 2^-11 + 2^-24 exactly; fma keeps the 2^-24, a rounded product loses it.
        assertBits(0x1p-24f, Float32Order.dotWs(x, 0, w, 0, 2, 2), "one fold");
        assertBits(0f, Float32Order.dotWs(x, 0, w, 0, 2, 1), "one product per fold");
    }

    @Test
    void dotWsMatchesExplicitFolds() {
        SplittableRandom rnd = new SplittableRandom(33);
        for (int n = 0; n < 1000; n++) {
            int k = rnd.nextInt(1, 120);
            int rows = new int[] {1, 2, 3, 4, 7, 8, 16, 32, 128}[rnd.nextInt(9)];
            int xOff = rnd.nextInt(4);
            int wOff = rnd.nextInt(4);
            float[] x = randoms(rnd, k + xOff);
            float[] w = randoms(rnd, k + wOff);
            int folds = (k + rows - 1) / rows;
            float[] foldSums = new float[folds];
            for (int f = 0; f < folds; f++) {
                for (int r = 0; r < rows && f * rows + r < k; r++) {
                    int i = f * rows + r;
                    foldSums[f] = Math.fma(x[xOff + i], w[wOff + i], foldSums[f]);
                }
            }
            float acc = 0.0f;
            for (float s : foldSums) {
                acc += s;
            }
            assertBits(acc, Float32Order.dotWs(x, xOff, w, wOff, k, rows), "k=" + k + " rows=" + rows);
        }
    }

    @Test
    void signedZeroAndRelu() {
        float[] x = {-1e-30f};
        float[] w = {1e-30f};
        assertBits(-0.0f, Float32Order.dotOs(x, 0, w, 0, 1), "the product underflows to -0");
        assertBits(0.0f, Float32Order.dotWs(x, 0, w, 0, 1, 1), "0 + -0 = +0");
        assertBits(0.0f, Float32Order.relu(-0.0f), "relu(-0)");
        assertBits(0.0f, Float32Order.relu(Float.NaN), "relu(NaN)");
        assertBits(1.5f, Float32Order.relu(1.5f), "relu(1.5)");
        assertBits(0.0f, Float32Order.dotWs(x, 0, w, 0, 0, 4), "empty reduction");
    }

    @Test
    void rowsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Float32Order.dotWs(new float[1], 0, new float[1], 0, 1, 0));
    }
}
