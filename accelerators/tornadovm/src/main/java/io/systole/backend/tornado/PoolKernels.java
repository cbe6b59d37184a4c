package io.systole.backend.tornado;

import static io.systole.backend.tornado.Geometry.AVERAGE;
import static io.systole.backend.tornado.Geometry.CHANNELS;
import static io.systole.backend.tornado.Geometry.COUNT_PAD;
import static io.systole.backend.tornado.Geometry.IN_PLANE;
import static io.systole.backend.tornado.Geometry.OUT_PLANE;
import static io.systole.backend.tornado.Geometry.POSITIONS;
import static io.systole.backend.tornado.Geometry.WINDOW;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Max and average pooling of x (batch, C, h, w) into y (batch, C, outH, outW), one output per
 * iteration of two parallel loops (channel, position), each window read in window order through
 * {@link Geometry#windows} as {@link io.systole.sim.PoolingUnit} reads it: max takes only the
 * inputs inside the image, the first one starting the maximum; the average takes every position,
 * padding as the format's zero, when padding counts, else only the inside ones, and divides once
 * by their count ({@link io.systole.arith.Pooling}).
 */
public final class PoolKernels {
    private PoolKernels() {
    }

    /** float32: max by {@code v > m ? v : m}; the average adds from {@code 0.0f}, then one IEEE division. */
    public static void pool(IntArray geo, IntArray win, FloatArray x, FloatArray y) {
        for (@Parallel int c = 0; c < geo.get(CHANNELS); c++) {
            for (@Parallel int m = 0; m < geo.get(POSITIONS); m++) {
                int size = geo.get(WINDOW);
                int padCounts = geo.get(AVERAGE) * geo.get(COUNT_PAD);
                float max = 0.0f;
                float sum = 0.0f;
                int count = 0;
                for (int i = 0; i < size; i++) {
                    int at = win.get(m * size + i);
                    if ((at >= 0 ? 1 : padCounts) == 1) {
                        float v = at < 0 ? 0.0f : x.get(at + c * geo.get(IN_PLANE));
                        sum = sum + v;
                        max = count == 0 ? v : (v > max ? v : max);
                        count++;
                    }
                }
                y.set(Geometry.output(m, c, geo.get(OUT_PLANE), geo.get(CHANNELS)),
                        geo.get(AVERAGE) == 1 ? sum / count : max);
            }
        }
    }

    /**
     * int8: values keep their scale and zero point (padding holds {@link Formats#ZP_IN}); the
     * average is the int sum divided by {@code Pooling.divideInt8}.
     */
    public static void poolInt8(IntArray geo, IntArray fmt, IntArray win, ByteArray x, ByteArray y) {
        for (@Parallel int c = 0; c < geo.get(CHANNELS); c++) {
            for (@Parallel int m = 0; m < geo.get(POSITIONS); m++) {
                int size = geo.get(WINDOW);
                int padCounts = geo.get(AVERAGE) * geo.get(COUNT_PAD);
                int max = 0;
                int sum = 0;
                int count = 0;
                for (int i = 0; i < size; i++) {
                    int at = win.get(m * size + i);
                    if ((at >= 0 ? 1 : padCounts) == 1) {
                        int v = at < 0 ? fmt.get(Formats.ZP_IN) : x.get(at + c * geo.get(IN_PLANE));
                        sum += v;
                        max = count == 0 ? v : (v > max ? v : max);
                        count++;
                    }
                }
                y.set(Geometry.output(m, c, geo.get(OUT_PLANE), geo.get(CHANNELS)),
                        (byte) (geo.get(AVERAGE) == 1 ? DeviceArith.divideInt8(sum, count) : max));
            }
        }
    }

    /**
     * Fixed point, raw values of the data format: the average accumulates each value into the
     * accumulator format ({@code FixedMac.accumulate}), then divides once into the data format
     * ({@code Pooling.divideFixed}).
     */
    public static void poolFixed(IntArray geo, IntArray fmt, IntArray win, IntArray x, IntArray y) {
        for (@Parallel int c = 0; c < geo.get(CHANNELS); c++) {
            for (@Parallel int m = 0; m < geo.get(POSITIONS); m++) {
                int size = geo.get(WINDOW);
                int padCounts = geo.get(AVERAGE) * geo.get(COUNT_PAD);
                long max = 0;
                long sum = 0;
                int count = 0;
                for (int i = 0; i < size; i++) {
                    int at = win.get(m * size + i);
                    if ((at >= 0 ? 1 : padCounts) == 1) {
                        long v = at < 0 ? 0 : x.get(at + c * geo.get(IN_PLANE));
                        sum = DeviceArith.accumulate(fmt.get(Formats.ACC_W), fmt.get(Formats.ACC_F),
                                fmt.get(Formats.ACC_Q), fmt.get(Formats.ACC_O), sum, v, fmt.get(Formats.OUT_F));
                        max = count == 0 ? v : (v > max ? v : max);
                        count++;
                    }
                }
                y.set(Geometry.output(m, c, geo.get(OUT_PLANE), geo.get(CHANNELS)),
                        (int) (geo.get(AVERAGE) == 1 ? DeviceArith.divideFixed(sum, count, fmt.get(Formats.ACC_F),
                                fmt.get(Formats.OUT_W), fmt.get(Formats.OUT_F), fmt.get(Formats.OUT_Q),
                                fmt.get(Formats.OUT_O)) : max));
            }
        }
    }
}
