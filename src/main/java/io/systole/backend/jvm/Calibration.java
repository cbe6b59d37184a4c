package io.systole.backend.jvm;

import io.systole.arith.F32;
import io.systole.model.Conv2d;
import io.systole.model.Shape;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;

/**
 * The host's measured throughput, taken once per process by a short calibration (about 0.3 s):
 * the best of repeated 32 -> 32 channel 3x3 convolutions on 4x28x28 through the fast engine for
 * FLOP/s (after a first call, repeated for 0.25 s: long enough for the kernel to be compiled), and a large array copy
 * for bytes/s.
 *
 * @param flopsPerSecond sustained float32 FLOP/s of the convolution kernels
 * @param bytesPerSecond sustained memory bytes/s of simple elementwise work
 */
record Calibration(double flopsPerSecond, double bytesPerSecond) {
    /** How long the convolution is repeated, in nanoseconds. */
    private static final long CONVOLUTION_NANOS = 250_000_000L;
    private static Calibration measured;

    static synchronized Calibration jvm() {
        if (measured == null) {
            measured = new Calibration(convolutionFlops(), copyBytes());
        }
        return measured;
    }

    private static double convolutionFlops() {
        Conv2d c = Conv2d.builder().setName("calibration").setInChannels(32).setOutChannels(32).setKernel(3)
                .optPadding(1).build();
        ImplicitGemm g = ImplicitGemm.of(c, Shape.chw(32, 28, 28), 4);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(F32.INSTANCE);
        ArrayLayer layer = new ArrayLayer(g, new Operands.F32Layer(c.weight().data(), null));
        Tensor x = Tensor.zeros(io.systole.tensor.DType.F32, 4, 32, 28, 28);
        FastEngine e = FastEngine.valuesOnly();
        long best = Long.MAX_VALUE;
        e.run(layer, x, cfg);
        long until = System.nanoTime() + CONVOLUTION_NANOS;
        for (int i = 0; i < 6 || System.nanoTime() < until; i++) {
            long t0 = System.nanoTime();
            e.run(layer, x, cfg);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return 2.0 * g.macs() / (best / 1e9);
    }

    private static double copyBytes() {
        float[] a = new float[1 << 22];
        float[] b = new float[a.length];
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            System.arraycopy(a, 0, b, 0, a.length);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return 2.0 * a.length * 4 / (best / 1e9);
    }
}
