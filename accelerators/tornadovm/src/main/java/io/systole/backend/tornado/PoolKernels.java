package io.systole.backend.tornado;

import static io.systole.backend.tornado.Geometry.AVERAGE;
import static io.systole.backend.tornado.Geometry.BATCH;
import static io.systole.backend.tornado.Geometry.COUNT_PAD;
import static io.systole.backend.tornado.Geometry.DH;
import static io.systole.backend.tornado.Geometry.DW;
import static io.systole.backend.tornado.Geometry.IN_C;
import static io.systole.backend.tornado.Geometry.IN_H;
import static io.systole.backend.tornado.Geometry.IN_W;
import static io.systole.backend.tornado.Geometry.KH;
import static io.systole.backend.tornado.Geometry.KW;
import static io.systole.backend.tornado.Geometry.OUT_H;
import static io.systole.backend.tornado.Geometry.OUT_W;
import static io.systole.backend.tornado.Geometry.PH;
import static io.systole.backend.tornado.Geometry.PW;
import static io.systole.backend.tornado.Geometry.SH;
import static io.systole.backend.tornado.Geometry.SW;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * float32 max and average pooling of x (batch, C, h, w) into y (batch, C, outH, outW), window
 * order (ky, kx), as {@link io.systole.arith.Pooling}: max starts at the first input inside the
 * image and takes {@code v > m ? v : m}; average adds in window order from {@code 0.0f} (padding
 * as {@code 0.0f} when counted) and divides once by the count.
 */
public final class PoolKernels {
    private PoolKernels() {
    }

    /** One output per iteration; planes = batch * C. */
    public static void pool(IntArray geo, FloatArray x, FloatArray y) {
        int planes = geo.get(BATCH) * geo.get(IN_C);
        int outH = geo.get(OUT_H);
        int outW = geo.get(OUT_W);
        for (@Parallel int pl = 0; pl < planes; pl++) {
            for (@Parallel int q = 0; q < outH * outW; q++) {
                int h = geo.get(IN_H);
                int w = geo.get(IN_W);
                int ox = q % outW;
                int oy = q / outW;
                int y0 = oy * geo.get(SH) - geo.get(PH);
                int x0 = ox * geo.get(SW) - geo.get(PW);
                int average = geo.get(AVERAGE);
                int countPad = geo.get(COUNT_PAD);
                float m = 0.0f;
                float sum = 0.0f;
                int count = 0;
                for (int ky = 0; ky < geo.get(KH); ky++) {
                    for (int kx = 0; kx < geo.get(KW); kx++) {
                        int iy = y0 + ky * geo.get(DH);
                        int ix = x0 + kx * geo.get(DW);
                        boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                        if (inside || average == 1 && countPad == 1) {
                            float v = inside ? x.get((pl * h + iy) * w + ix) : 0.0f;
                            sum = sum + v;
                            if (count == 0 || v > m) {
                                m = v;
                            }
                            count++;
                        }
                    }
                }
                y.set(pl * outH * outW + q, average == 1 ? sum / count : m);
            }
        }
    }
}
