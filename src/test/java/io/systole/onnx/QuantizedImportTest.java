package io.systole.onnx;

import static io.systole.onnx.OnnxGraph.i;
import static io.systole.onnx.OnnxGraph.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import io.systole.model.ModelException;
import io.systole.onnx.OnnxProto.ModelProto;
import io.systole.onnx.OnnxProto.TensorProto;
import io.systole.quant.Activation;
import io.systole.quant.IntegerReference;
import io.systole.quant.QuantizedNetwork;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Quantized ONNX models built in code (QOperator form: QuantizeLinear, QLinearConv, Flatten,
 * QLinearMatMul, DequantizeLinear) import as int8 FLOAT_SCALE networks whose integer reference
 * gives ONNX Runtime's outputs bit for bit; the uint8 form of a model imports as its int8 form;
 * what the int8 format cannot hold is named, for every node at fault.
 */
class QuantizedImportTest {

    @Test
    void qLinearConvAndMatMulImportAndAgreeBitForBitWithOnnxRuntime() {
        byte[] model = qLinearModel(new SplittableRandom(5), 1 / 127f, 0, false);
        QuantizedNetwork q = QuantizedImport.fromProto(parse(model), "qlinear");
        assertEquals(QuantizedImport.FORMAT, q.format());
        assertEquals(2, q.ops().size());
        assertBitExact(q, model, 3, 11);
    }

    @Test
    void qdqConvReluAndMatMulImportAndAgreeBitForBitWithOnnxRuntime() {
        byte[] model = qdqModel(new SplittableRandom(8));
        QuantizedNetwork q = QuantizedImport.fromProto(parse(model), "qdq");
        assertEquals(2, q.ops().size());
        assertEquals("relu", q.ops().getFirst().foldedRelu());
        assertBitExact(q, model, 3, 13);
    }

    @Test
    void uint8ActivationsReadAsTheInt8ValuesOfTheSameRealNumbers() {
        QuantizedNetwork int8 = QuantizedImport.fromProto(parse(qLinearModel(new SplittableRandom(5), 1 / 127f, 0,
                false)), "int8");
        QuantizedNetwork uint8 = QuantizedImport.fromProto(parse(qLinearModel(new SplittableRandom(5), 1 / 127f, 0,
                true)), "uint8");
        QuantizedRoundTripTest.assertSameQuantizedNetwork(int8, uint8);
    }

    @Test
    void whatTheFormatCannotHoldIsNamedForEveryNode() {
        byte[] model = qLinearModel(new SplittableRandom(5), -1 / 127f, 4, false);
        ModelException e = assertThrows(ModelException.class, () -> QuantizedImport.fromProto(parse(model), "bad"));
        assertTrue(e.getMessage().contains("3 problems"), e.getMessage());
        assertTrue(e.getMessage().contains("node 'quant' (QuantizeLinear): tensor 'x': quantization scale"),
                e.getMessage());
        assertTrue(e.getMessage().contains("node 'qconv' (QLinearConv): tensor 'xq': quantization scale"),
                e.getMessage());
        assertTrue(e.getMessage().contains("node 'qmatmul' (QLinearMatMul): weight zero point 'm_zp' holds 4"),
                e.getMessage());
    }

    /**
     * Our integer reference on {@code q}, dequantized, equals ONNX Runtime's float output on
     * {@code model} exactly; a difference is reported in output steps.
     */
    static void assertBitExact(QuantizedNetwork q, byte[] model, int batch, long seed) {
        Tensor x = OnnxTesting.input(q.network(), batch, seed);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(q.format()).withSize(7, 5);
        Tensor out = IntegerReference.forward(q, cfg, x);
        float step = ((Activation.Int8) q.activation(q.network().nodes().getLast().name())).params().scale();
        float[] ours = q.activation(q.network().nodes().getLast().name()).decode(out).floats();
        float[] ort = OnnxTesting.runOrt(model, x).floats();
        assertEquals(ours.length, ort.length, "output sizes");
        int differ = 0;
        int first = -1;
        for (int j = 0; j < ours.length; j++) {
            if (Float.compare(ours[j], ort[j]) != 0) {
                differ++;
                first = first < 0 ? j : first;
            }
        }
        if (differ > 0) {
            fail(q.network().name() + ": " + differ + " of " + ours.length + " outputs differ; first at " + first
                    + ": ONNX Runtime " + ort[first] + ", ours " + ours[first] + " (" + (ort[first] - ours[first]) / step
                    + " steps)");
        }
    }

    private static ModelProto parse(byte[] model) {
        try {
            return ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * x (N, 5, 9, 9) float -> QuantizeLinear -> QLinearConv 5 -> 7, 3x3, stride 2, padding 1, per-channel
     * weight scales, int32 bias -> Flatten -> QLinearMatMul 175 -> 10, per-column scales ->
     * DequantizeLinear. {@code mZp} is the dense weights' zero point; with {@code uint8} the
     * activations are uint8, each zero point 128 above the int8 one.
     */
    static byte[] qLinearModel(SplittableRandom r, float xScale, int mZp, boolean uint8) {
        int outC = 7;
        byte[] w = QLinearConvOracleTest.randomBytes(r, outC * 5 * 3 * 3, -127, 127);
        float[] ws = new float[outC];
        for (int o = 0; o < outC; o++) {
            ws[o] = (float) (0.004 + 0.004 * r.nextDouble());
        }
        int features = outC * 5 * 5;
        byte[] m = QLinearConvOracleTest.randomBytes(r, features * 10, -127, 127);
        float[] ms = new float[10];
        for (int o = 0; o < ms.length; o++) {
            ms[o] = (float) (0.004 + 0.002 * r.nextDouble());
        }
        return new OnnxGraph("qlinear", 13, 0)
                .input("x", 0, 5, 9, 9)
                .output("y")
                .initializer(OnnxGraph.float32("x_scale", new float[] {xScale}))
                .initializer(zeroPoint("x_zp", 3, uint8))
                .initializer(OnnxGraph.int8("w", w, outC, 5, 3, 3))
                .initializer(OnnxGraph.float32("w_scale", ws, outC))
                .initializer(OnnxGraph.int8("w_zp", new byte[outC], outC))
                .initializer(OnnxGraph.int32("b", r.ints(outC, -500, 501).toArray(), outC))
                .initializer(OnnxGraph.float32("c_scale", new float[] {0.05f}))
                .initializer(zeroPoint("c_zp", -5, uint8))
                .initializer(OnnxGraph.int8("m", m, features, 10))
                .initializer(OnnxGraph.float32("m_scale", ms, 10))
                .initializer(OnnxGraph.int8("m_zp", repeat((byte) mZp, 10), 10))
                .initializer(OnnxGraph.float32("y_scale", new float[] {0.5f}))
                .initializer(zeroPoint("y_zp", 2, uint8))
                .node("QuantizeLinear", "quant", "x,x_scale,x_zp", "xq")
                .node("QLinearConv", "qconv", "xq,x_scale,x_zp,w,w_scale,w_zp,c_scale,c_zp,b", "cq",
                        ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), i("group", 1))
                .node("Flatten", "flatten", "cq", "fq", i("axis", 1))
                .node("QLinearMatMul", "qmatmul", "fq,c_scale,c_zp,m,m_scale,m_zp,y_scale,y_zp", "yq")
                .node("DequantizeLinear", "dequant", "yq,y_scale,y_zp", "y")
                .bytes();
    }

    /**
     * QDQ form as quantization tools write it: x (N, 5, 9, 9) -> Q/DQ -> Conv 5 -> 7, 3x3, stride
     * 2, padding 1 with DequantizeLinear of int8 weights (per channel, axis 0) and of an int32
     * bias -> Relu -> Q/DQ -> Flatten -> MatMul with DequantizeLinear of (175, 10) int8 weights
     * (per column, axis 1) -> Q/DQ.
     */
    static byte[] qdqModel(SplittableRandom r) {
        int outC = 7;
        float xScale = 1 / 127f;
        float[] ws = new float[outC];
        float[] bs = new float[outC];
        for (int o = 0; o < outC; o++) {
            ws[o] = (float) (0.004 + 0.004 * r.nextDouble());
            bs[o] = xScale * ws[o];
        }
        float[] ms = new float[10];
        for (int o = 0; o < ms.length; o++) {
            ms[o] = (float) (0.004 + 0.002 * r.nextDouble());
        }
        int features = outC * 5 * 5;
        return new OnnxGraph("qdq", 13, 0)
                .input("x", 0, 5, 9, 9)
                .output("y")
                .initializer(OnnxGraph.float32("x_scale", new float[] {xScale}))
                .initializer(OnnxGraph.int8("x_zp", new byte[] {-3}))
                .initializer(OnnxGraph.int8("w", QLinearConvOracleTest.randomBytes(r, outC * 5 * 3 * 3, -127, 127),
                        outC, 5, 3, 3))
                .initializer(OnnxGraph.float32("w_scale", ws, outC))
                .initializer(OnnxGraph.int8("w_zp", new byte[outC], outC))
                .initializer(OnnxGraph.int32("b", r.ints(outC, -500, 501).toArray(), outC))
                .initializer(OnnxGraph.float32("b_scale", bs, outC))
                .initializer(OnnxGraph.float32("r_scale", new float[] {0.03f}))
                .initializer(OnnxGraph.int8("r_zp", new byte[] {-128}))
                .initializer(OnnxGraph.int8("m", QLinearConvOracleTest.randomBytes(r, features * 10, -127, 127),
                        features, 10))
                .initializer(OnnxGraph.float32("m_scale", ms, 10))
                .initializer(OnnxGraph.float32("y_scale", new float[] {0.25f}))
                .initializer(OnnxGraph.int8("y_zp", new byte[] {7}))
                .node("QuantizeLinear", "x_q", "x,x_scale,x_zp", "xq")
                .node("DequantizeLinear", "x_dq", "xq,x_scale,x_zp", "xf")
                .node("DequantizeLinear", "w_dq", "w,w_scale,w_zp", "wf", i("axis", 0))
                .node("DequantizeLinear", "b_dq", "b,b_scale", "bf", i("axis", 0))
                .node("Conv", "conv", "xf,wf,bf", "c", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1))
                .node("Relu", "relu", "c", "r")
                .node("QuantizeLinear", "r_q", "r,r_scale,r_zp", "rq")
                .node("DequantizeLinear", "r_dq", "rq,r_scale,r_zp", "rf")
                .node("Flatten", "flatten", "rf", "f", i("axis", 1))
                .node("DequantizeLinear", "m_dq", "m,m_scale", "mf", i("axis", 1))
                .node("MatMul", "matmul", "f,mf", "mm")
                .node("QuantizeLinear", "y_q", "mm,y_scale,y_zp", "yq")
                .node("DequantizeLinear", "y_dq", "yq,y_scale,y_zp", "y")
                .bytes();
    }

    /** An int8 zero point, or as uint8 the same real zero 128 higher. */
    private static TensorProto zeroPoint(String name, int int8, boolean uint8) {
        return uint8 ? TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.UINT8_VALUE)
                .addInt32Data(int8 + 128).build() : OnnxGraph.int8(name, new byte[] {(byte) int8});
    }

    private static byte[] repeat(byte v, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, v);
        return b;
    }
}
