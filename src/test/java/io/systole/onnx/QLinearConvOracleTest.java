package io.systole.onnx;

import static io.systole.onnx.OnnxGraph.i;
import static io.systole.onnx.OnnxGraph.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.systole.arith.Int8Format;
import io.systole.arith.Requant;
import io.systole.model.Window;
import io.systole.onnx.OnnxProto.TensorProto;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.Dataflow;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.sim.OrderedReference;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime's QLinearConv (CPU provider) as the oracle of the int8 format's
 * {@link Int8Format.RequantMode#FLOAT_SCALE} mode: single QLinearConv models built in code (int8
 * input with a zero point, int8 symmetric weights with a scale per output channel and zero point
 * 0, int32 bias, int8 output with a scale and zero point) run in ONNX Runtime, and the array's
 * ordered reference, given an {@link Operands.Int8Layer} made from the same parameters, must give
 * the same bytes. Half of the output channels get power-of-two scales whose product
 * {@code xScale * wScale / yScale} is 1/2 or 1/4, so many results fall exactly on .5 and the
 * round-half-to-even rule is exercised, not only the ordinary rounding.
 */
class QLinearConvOracleTest {

    /** One layer: channels, input size, kernel, stride, padding, dilation, groups, bias. */
    record Case(int inC, int outC, int h, int w, int kh, int kw, int s, int p, int d, int groups, boolean bias) {
        Window window() {
            return new Window(kh, kw, s, s, p, p, d, d);
        }

        @Override
        public String toString() {
            return inC + "->" + outC + " " + h + "x" + w + " k" + kh + "x" + kw + " s" + s + " p" + p + " d" + d + " g"
                    + groups + (bias ? "" : " no bias");
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case(5, 7, 9, 9, 3, 3, 2, 1, 1, 1, true),
                new Case(5, 7, 9, 9, 3, 3, 1, 1, 1, 1, false),
                new Case(6, 9, 9, 11, 3, 2, 1, 1, 1, 3, true),
                new Case(7, 7, 9, 9, 3, 3, 2, 1, 1, 7, true),
                new Case(3, 5, 11, 9, 5, 5, 1, 2, 1, 1, true),
                new Case(4, 6, 10, 10, 3, 3, 1, 2, 2, 2, true),
                new Case(17, 18, 7, 7, 1, 1, 1, 0, 1, 1, true),
                new Case(19, 3, 9, 9, 3, 3, 2, 0, 1, 1, true)).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void floatScaleModeIsBitExactWithOnnxRuntime(Case c) {
        SplittableRandom r = new SplittableRandom(c.toString().hashCode());
        int batch = 2;
        int k = c.inC() / c.groups() * c.kh() * c.kw();
        byte[] x = randomBytes(r, batch * c.inC() * c.h() * c.w(), -128, 127);
        byte[] w = randomBytes(r, c.outC() * k, -127, 127);
        int[] bias = c.bias() ? r.ints(c.outC(), -3000, 3001).toArray() : null;
        float xScale = 0.03125f;
        int xZp = r.nextInt(-20, 21);
        int yZp = r.nextInt(-10, 11);
        // a power of two near the scale that spreads outputs over the int8 range (an accumulator's
        // spread is about 74 * 74 * sqrt(K) steps of xScale * wScale)
        float yScale = Math.scalb(1.0f, Math.getExponent(xScale * 0x1p-7 * 74 * 74 * Math.sqrt(k) / 48));
        float[] wScale = new float[c.outC()];
        for (int o = 0; o < c.outC(); o++) {
            if (o % 2 == 0) {
                wScale[o] = (float) (0x1p-7 * (0.5 + r.nextDouble()));
            } else {
                // small weights and xScale * wScale / yScale = 2^-3 or 2^-4 exactly: many ties
                wScale[o] = yScale / xScale * (o % 4 == 1 ? 0x1p-3f : 0x1p-4f);
                for (int j = o * k; j < (o + 1) * k; j++) {
                    w[j] = (byte) r.nextInt(-3, 4);
                }
            }
        }
        Tensor input = Tensor.of(x, batch, c.inC(), c.h(), c.w());
        byte[] ort = OnnxTesting.runOrt(model(c, w, wScale, bias, xScale, xZp, yScale, yZp), input).bytes();
        float[] scales = new float[c.outC()];
        for (int o = 0; o < c.outC(); o++) {
            scales[o] = Requant.floatScale(xScale, wScale[o], yScale);
        }
        ArrayLayer layer = new ArrayLayer(new ImplicitGemm("qconv", batch, c.inC(), c.h(), c.w(), c.outC(),
                c.groups(), c.window()), new Operands.Int8Layer(w, bias, xZp, yZp, null, scales, false));
        Int8Format format = new Int8Format(32, Int8Format.AccOverflow.WRAP, Int8Format.RequantMode.FLOAT_SCALE);
        for (Dataflow d : Dataflow.values()) {
            ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(format).withSize(7, 5).withDataflow(d);
            assertSameBytes(c + ", " + d, ort, OrderedReference.run(layer, input, cfg).output().bytes());
        }
    }

    /** A model of one QLinearConv, opset 13, with int8 input x and int8 output y. */
    static byte[] model(Case c, byte[] w, float[] wScale, int[] bias, float xScale, int xZp, float yScale, int yZp) {
        int outC = c.outC();
        OnnxGraph g = new OnnxGraph("qlinearconv", 13, 0)
                .typedInput("x", TensorProto.DataType.INT8_VALUE, 0, c.inC(), c.h(), c.w())
                .output("y", TensorProto.DataType.INT8_VALUE)
                .initializer(OnnxGraph.float32("x_scale", new float[] {xScale}))
                .initializer(OnnxGraph.int8("x_zp", new byte[] {(byte) xZp}))
                .initializer(OnnxGraph.int8("w", w, outC, c.inC() / c.groups(), c.kh(), c.kw()))
                .initializer(OnnxGraph.float32("w_scale", wScale, outC))
                .initializer(OnnxGraph.int8("w_zp", new byte[outC], outC))
                .initializer(OnnxGraph.float32("y_scale", new float[] {yScale}))
                .initializer(OnnxGraph.int8("y_zp", new byte[] {(byte) yZp}));
        if (bias != null) {
            g.initializer(OnnxGraph.int32("b", bias, outC));
        }
        return g.node("QLinearConv", "qconv", "x,x_scale,x_zp,w,w_scale,w_zp,y_scale,y_zp" + (bias != null ? ",b" : ""),
                "y", ints("kernel_shape", c.kh(), c.kw()), ints("strides", c.s(), c.s()),
                ints("pads", c.p(), c.p(), c.p(), c.p()), ints("dilations", c.d(), c.d()), i("group", c.groups()))
                .bytes();
    }

    static byte[] randomBytes(SplittableRandom r, int n, int lo, int hi) {
        byte[] b = new byte[n];
        for (int j = 0; j < n; j++) {
            b[j] = (byte) r.nextInt(lo, hi + 1);
        }
        return b;
    }

    /** Fails naming the first differing index and both values, and how many differ, unless equal. */
    static void assertSameBytes(String what, byte[] want, byte[] got) {
        assertEquals(want.length, got.length, what + ": output sizes");
        if (Arrays.equals(want, got)) {
            return;
        }
        int first = Arrays.mismatch(want, got);
        int count = 0;
        for (int j = 0; j < want.length; j++) {
            count += want[j] != got[j] ? 1 : 0;
        }
        fail(what + ": " + count + " of " + want.length + " outputs differ; first at flat index " + first
                + ": ONNX Runtime " + want[first] + ", ours " + got[first]);
    }
}
