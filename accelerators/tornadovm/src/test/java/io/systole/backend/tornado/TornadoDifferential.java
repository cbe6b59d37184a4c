package io.systole.backend.tornado;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Seeded awkward float32 inputs and a bit-for-bit comparison that names the first difference. */
final class TornadoDifferential {
    private TornadoDifferential() {
    }

    /** A float that shows rounding: many binades, both signs, some signed zeros. */
    static float awkwardFloat(SplittableRandom random) {
        return switch (random.nextInt(16)) {
            case 0 -> 0.0f;
            case 1 -> -0.0f;
            default -> (float) ((random.nextDouble() * 2 - 1) * Math.scalb(1.0, random.nextInt(-12, 6)));
        };
    }

    static float[] awkward(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = awkwardFloat(random);
        }
        return v;
    }

    /** Fails with the first index whose bits differ, both values, and how many differ. */
    static void assertSameBits(String what, float[] want, float[] got) {
        if (want.length != got.length) {
            fail(what + ": expected " + want.length + " values, got " + got.length);
        }
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                int n = 0;
                for (int j = 0; j < want.length; j++) {
                    n += Float.floatToRawIntBits(want[j]) != Float.floatToRawIntBits(got[j]) ? 1 : 0;
                }
                fail(what + ": " + n + " of " + want.length + " values differ; the first at index " + i
                        + ": expected " + want[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(want[i]))
                        + "), got " + got[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(got[i])) + ")");
            }
        }
    }
}
