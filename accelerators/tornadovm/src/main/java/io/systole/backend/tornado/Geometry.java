package io.systole.backend.tornado;

import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import io.systole.sim.ImplicitGemm;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A layer's shape as the int table the kernels read (TornadoVM specialises scalars into the
 * kernel, so one table per layer shape keeps the argument list short). Slots, in order: batch,
 * input channels, input height, input width, output channels, output height, output width,
 * kernel height, kernel width, stride (h, w), padding (h, w), dilation (h, w), reduction
 * indices per fold (the array's rows; all of K output-stationary), output-stationary flag,
 * fused ReLU flag, average-pooling flag, count-padding flag.
 */
final class Geometry {
    static final int BATCH = 0;
    static final int IN_C = 1;
    static final int IN_H = 2;
    static final int IN_W = 3;
    static final int OUT_C = 4;
    static final int OUT_H = 5;
    static final int OUT_W = 6;
    static final int KH = 7;
    static final int KW = 8;
    static final int SH = 9;
    static final int SW = 10;
    static final int PH = 11;
    static final int PW = 12;
    static final int DH = 13;
    static final int DW = 14;
    static final int FOLD = 15;
    static final int OUTPUT_STATIONARY = 16;
    static final int RELU = 17;
    static final int AVERAGE = 18;
    static final int COUNT_PAD = 19;
    static final int SLOTS = 20;

    private Geometry() {
    }

    /** A convolution of groups 1 in the fold order of {@code cfg}. */
    static IntArray conv(ImplicitGemm g, ArrayConfig cfg, boolean relu) {
        if (g.groups() != 1) {
            throw new IllegalArgumentException("layer '" + g.name() + "': the TornadoVM kernels run groups 1, got "
                    + g.groups());
        }
        boolean os = cfg.dataflow() == Dataflow.OS;
        int[] t = table(g.batch(), g.inC(), g.inH(), g.inW(), g.outC(), g.outH(), g.outW(), g.window());
        t[FOLD] = os ? g.k() : cfg.rows();
        t[OUTPUT_STATIONARY] = os ? 1 : 0;
        t[RELU] = relu ? 1 : 0;
        return IntArray.fromArray(t);
    }

    /** Pooling of (batch, channels, h, w). */
    static IntArray pool(int batch, int channels, int h, int w, Window win, boolean average, boolean countPad) {
        int outH = win.outH("pool", h);
        int outW = win.outW("pool", w);
        int[] t = table(batch, channels, h, w, channels, outH, outW, win);
        t[AVERAGE] = average ? 1 : 0;
        t[COUNT_PAD] = countPad ? 1 : 0;
        return IntArray.fromArray(t);
    }

    private static int[] table(int batch, int inC, int inH, int inW, int outC, int outH, int outW, Window w) {
        int[] t = new int[SLOTS];
        t[BATCH] = batch;
        t[IN_C] = inC;
        t[IN_H] = inH;
        t[IN_W] = inW;
        t[OUT_C] = outC;
        t[OUT_H] = outH;
        t[OUT_W] = outW;
        t[KH] = w.kh();
        t[KW] = w.kw();
        t[SH] = w.sh();
        t[SW] = w.sw();
        t[PH] = w.ph();
        t[PW] = w.pw();
        t[DH] = w.dh();
        t[DW] = w.dw();
        return t;
    }
}
