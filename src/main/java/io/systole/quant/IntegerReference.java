package io.systole.quant;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.OverflowCounter;
import io.systole.arith.Pooling;
import io.systole.model.Network;
import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.OrderedReference;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.Map;

/**
 * The integer-only reference for quantized networks: plain loops, no tiling, no threads, no
 * timing. Convolution and dense nodes are the ordered per-output loops of
 * {@link OrderedReference} ({@code dotWs} with folds of the array's R rows, or {@code dotOs}, then
 * the format's output step); pooling is a loop over each window calling
 * {@link io.systole.arith.Pooling}; host nodes are those of the shared forward pass. The array's
 * rows, dataflow and accumulator decide the order and the overflow rule, so the reference takes
 * the array it stands for; the simulator's engines must equal it bit for bit.
 */
public final class IntegerReference {
    private IntegerReference() {
    }

    /** The network's output for a float input batch (n, ...input shape), as computed on {@code cfg}. */
    public static Tensor forward(QuantizedNetwork q, ArrayConfig cfg, Tensor input) {
        Map<String, Tensor> all = forwardAll(q, cfg, input);
        return all.get(q.network().nodes().getLast().name());
    }

    /**
     * Every tensor by name ({@link Network#INPUT} first) in its encoding: int8 tensors as I8,
     * fixed-point raw values as I32, a final softmax as F32.
     */
    public static Map<String, Tensor> forwardAll(QuantizedNetwork q, ArrayConfig cfg, Tensor input) {
        return Forward.run(q, cfg, input, new Forward.Units() {
            @Override
            public Tensor array(Network.Node node, ArrayLayer layer, Tensor x, ArrayConfig c, OverflowCounter conv) {
                return OrderedReference.run(layer, x, c).output();
            }

            @Override
            public Tensor pool(Network.Node node, ImplicitGemm window, boolean average, boolean countIncludePad,
                    int zeroPoint, Tensor x, ArrayConfig c) {
                return IntegerReference.pool(window, average, countIncludePad, zeroPoint, x, c);
            }

            @Override
            public void host(Network.Node node) {
            }
        }, (i, n, name) -> { });
    }

    /**
     * Pooling over x (batch, C, H, W) of the array's activation type: for every output, the window
     * row by row; max over the positions inside the input; average over every position (padding as
     * the format's zero: the int8 zero point, raw 0) when {@code countIncludePad}, else over the
     * inside ones, summed in the array's accumulator format for fixed point.
     */
    static Tensor pool(ImplicitGemm p, boolean average, boolean countIncludePad, int zeroPoint, Tensor x,
            ArrayConfig cfg) {
        Window w = p.window();
        int c = p.inC();
        int h = p.inH();
        int wd = p.inW();
        int oh = p.outH();
        int ow = p.outW();
        int[] shape = {p.batch(), c, oh, ow};
        int window = w.kh() * w.kw();
        byte[] b = new byte[window];
        long[] l = new long[window];
        FixedFormat sum = cfg.format() instanceof FixedFormat ? cfg.accumulatorFormat() : null;
        Tensor out = switch (cfg.format()) {
            case Int8Format f -> Tensor.zeros(DType.I8, shape);
            case FixedFormat f -> Tensor.zeros(DType.I32, shape);
            case F32 f -> throw new IllegalArgumentException("integer pooling on a float array");
        };
        for (int img = 0; img < p.batch(); img++) {
            for (int ch = 0; ch < c; ch++) {
                int plane = (img * c + ch) * h * wd;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int cnt = 0;
                        for (int ky = 0; ky < w.kh(); ky++) {
                            for (int kx = 0; kx < w.kw(); kx++) {
                                int iy = oy * w.sh() - w.ph() + ky * w.dh();
                                int ix = ox * w.sw() - w.pw() + kx * w.dw();
                                boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
                                if (!inside && !(average && countIncludePad)) {
                                    continue;
                                }
                                int at = plane + iy * wd + ix;
                                if (cfg.format() instanceof Int8Format) {
                                    b[cnt++] = inside ? x.bytes()[at] : (byte) zeroPoint;
                                } else {
                                    l[cnt++] = inside ? x.ints()[at] : 0;
                                }
                            }
                        }
                        int o = ((img * c + ch) * oh + oy) * ow + ox;
                        if (cfg.format() instanceof FixedFormat f) {
                            out.ints()[o] = (int) (average
                                    ? Pooling.avgFixed(l, 0, cnt, f, sum, f, null)
                                    : Pooling.maxFixed(l, 0, cnt));
                        } else {
                            out.bytes()[o] = average ? Pooling.avgInt8(b, 0, cnt) : Pooling.maxInt8(b, 0, cnt);
                        }
                    }
                }
            }
        }
        return out;
    }
}
