package io.systole.onnx;

import static io.systole.onnx.OnnxGraph.f;
import static io.systole.onnx.OnnxGraph.i;
import static io.systole.onnx.OnnxGraph.int64;
import static io.systole.onnx.OnnxGraph.ints;
import static io.systole.onnx.OnnxGraph.s;
import static io.systole.onnx.OnnxGraph.t;
import static io.systole.onnx.OnnxTesting.assertAgrees;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Shape;
import io.systole.model.Window;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Models laid out as PyTorch and other exporters write them, built in code, imported, and run by
 * ONNX Runtime and the reference engine: the two must agree, so ONNX Runtime checks the import's
 * reading of every operator and attribute, not only our own export.
 */
class OnnxImportTest {
    private static Network importAndCompare(OnnxGraph g, int batch) {
        Network net = OnnxImport.fromProto(g.model(), "test.onnx");
        assertAgrees(net.name(), net, g.bytes(), batch, 5);
        return net;
    }

    private static List<String> types(Network net) {
        return net.nodes().stream().map(n -> n.layer().type()).toList();
    }

    @Test
    void pytorchStyleCnnWithShapeArithmetic() {
        OnnxGraph g = new OnnxGraph("cnn", 13, 1).input("x", 0, 3, 9, 9).output("probs")
                .weight("conv1.weight", 5, 3, 3, 3).weight("conv1.bias", 5)
                .weight("conv2.weight", 7, 5, 3, 3).weight("conv2.b", 1, 7, 1, 1)
                .weight("fc.weight", 4, 7).weight("fc.bias", 4)
                .floats("zero", new float[] {0f})
                .node("Conv", "/conv1/Conv", "x,conv1.weight,conv1.bias", "c1", ints("pads", 1, 1, 1, 1),
                        ints("kernel_shape", 3, 3), ints("strides", 1, 1))
                .node("Relu", "/relu1/Relu", "c1", "r1")
                .node("MaxPool", "/pool1/MaxPool", "r1", "p1", ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node("Conv", "/conv2/Conv", "p1,conv2.weight", "c2", s("auto_pad", "SAME_UPPER"))
                .node("Add", "/conv2/Add", "c2,conv2.b", "c2b")
                .node("Clip", "/act/Clip", "c2b,zero,", "a2")
                .node("Identity", "/id/Identity", "a2", "i2")
                .node("GlobalAveragePool", "/gap/GlobalAveragePool", "i2", "g")
                .node("Shape", "/Shape", "g", "shape")
                .node("Constant", "/Constant", "", "zero_index", t("value", int64("", new long[] {0})))
                .node("Gather", "/Gather", "shape,zero_index", "batch", i("axis", 0))
                .node("Constant", "/Constant_1", "", "axes", t("value", int64("", new long[] {0}, 1)))
                .node("Unsqueeze", "/Unsqueeze", "batch,axes", "batch1")
                .node("Constant", "/Constant_2", "", "minus_one", t("value", int64("", new long[] {-1}, 1)))
                .node("Concat", "/Concat", "batch1,minus_one", "target", i("axis", 0))
                .node("Reshape", "/Reshape", "g,target", "flat")
                .node("Gemm", "/fc/Gemm", "flat,fc.weight,fc.bias", "logits", f("alpha", 1f), f("beta", 1f),
                        i("transB", 1))
                .node("Dropout", "/drop/Dropout", "logits", "d")
                .node("Softmax", "/Softmax", "d", "probs", i("axis", 1));
        Network net = importAndCompare(g, 3);
        assertEquals(List.of("conv2d", "relu", "maxpool2d", "conv2d", "relu", "avgpool2d", "flatten", "dense",
                "softmax"), types(net));
        assertEquals("/conv1/Conv", net.nodes().getFirst().name());
        assertEquals("conv1_Conv", net.nodes().getFirst().layer().name());
        Conv2d conv2 = (Conv2d) net.nodes().get(3).layer();
        assertEquals(new Window(3, 3, 1, 1, 1, 1, 1, 1), conv2.window());
        assertEquals("conv2.b", conv2.bias().name());
        assertEquals(Shape.chw(7, 1, 1), net.nodes().get(5).output());
        assertEquals("fc.weight", ((Dense) net.nodes().get(7).layer()).weight().name());
    }

    @Test
    void gemmTransposesAndScalesAndSharedInitializersStayShared() {
        OnnxGraph g = new OnnxGraph("gemm", 13, 2).input("x", 0, 6).output("y")
                .weight("B1", 6, 4).weight("C1", 1, 4).weight("B2", 4, 4)
                .node("Gemm", "g1", "x,B1,C1", "h1", f("alpha", 0.5f), f("beta", 2f))
                .node("Gemm", "g2", "h1,B2", "h2")
                .node("Relu", "r", "h2", "h3")
                .node("Gemm", "g3", "h3,B2", "y");
        Network net = importAndCompare(g, 2);
        Dense g1 = (Dense) net.node("g1").layer();
        Dense g2 = (Dense) net.node("g2").layer();
        Dense g3 = (Dense) net.node("g3").layer();
        float[] b1 = floatsOf(g, "B1");
        assertEquals(0.5f * b1[1 * 4 + 2], g1.weight().data()[2 * 6 + 1]);
        assertEquals(2f * floatsOf(g, "C1")[3], g1.bias().data()[3]);
        assertSame(g2.weight(), g3.weight());
        assertNull(g2.bias());
    }

    private static float[] floatsOf(OnnxGraph g, String initializer) {
        List<Float> v = g.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(initializer)).findFirst().orElseThrow().getFloatDataList();
        float[] a = new float[v.size()];
        for (int k = 0; k < a.length; k++) {
            a[k] = v.get(k);
        }
        return a;
    }

    @Test
    void matMulAndAddBecomeOneDenseLayer() {
        OnnxGraph g = new OnnxGraph("mlp", 13, 3).input("x", 0, 5).output("y")
                .weight("W", 5, 3).weight("b", 3)
                .node("MatMul", "fc/MatMul", "x,W", "m")
                .node("Add", "fc/Add", "m,b", "a")
                .node("Relu", "relu", "a", "y");
        Network net = importAndCompare(g, 4);
        assertEquals(List.of("dense", "relu"), types(net));
        Dense d = (Dense) net.nodes().getFirst().layer();
        assertEquals("b", d.bias().name());
        assertEquals(floatsOf(g, "W")[1 * 3 + 2], d.weight().data()[2 * 5 + 1]);
    }

    @Test
    void residualAddAndConvolutionsSharingOneWeight() {
        OnnxGraph g = new OnnxGraph("res", 13, 4).input("x", 0, 4, 7, 7).output("y")
                .weight("W", 4, 4, 3, 3).weight("b1", 4).weight("b2", 4)
                .node("Conv", "a", "x,W,b1", "a", ints("pads", 1, 1, 1, 1))
                .node("Relu", "ra", "a", "ra")
                .node("Conv", "b", "ra,W,b2", "b", ints("pads", 1, 1, 1, 1))
                .node("Add", "sum", "b,x", "s")
                .node("Relu", "out", "s", "y");
        Network net = importAndCompare(g, 2);
        assertSame(((Conv2d) net.node("a").layer()).weight(), ((Conv2d) net.node("b").layer()).weight());
        assertEquals(List.of("b", Network.INPUT), net.node("sum").inputs());
        assertEquals(3, net.parameters().size());
    }

    /** One windowed node on an input of (N, 3, size, size); a Conv has a 4x4 kernel. */
    private static OnnxGraph window(String op, int size, io.systole.onnx.OnnxProto.AttributeProto... a) {
        OnnxGraph g = new OnnxGraph(op.toLowerCase() + "-" + size, 13, 5).input("x", 0, 3, size, size).output("y");
        return op.equals("Conv") ? g.weight("W", 4, 3, 4, 4).node(op, "n", "x,W", "y", a)
                : g.node(op, "n", "x", "y", a);
    }

    @Test
    void asymmetricPaddingIsImportedWhereItCannotChangeTheResult() {
        Conv2d c = (Conv2d) importAndCompare(window("Conv", 10, ints("pads", 0, 0, 1, 1), ints("strides", 2, 2)), 2)
                .nodes().getFirst().layer();
        assertEquals(0, c.window().ph());
        c = (Conv2d) importAndCompare(window("Conv", 8, s("auto_pad", "SAME_LOWER"), ints("strides", 2, 2)), 2)
                .nodes().getFirst().layer();
        assertEquals(1, c.window().ph());
        AvgPool2d p = (AvgPool2d) importAndCompare(window("AveragePool", 9, ints("kernel_shape", 3, 3),
                ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), i("count_include_pad", 1), i("ceil_mode", 1)), 2)
                .nodes().getFirst().layer();
        assertTrue(p.countIncludePad());
        importAndCompare(window("AveragePool", 9, ints("kernel_shape", 2, 3), ints("pads", 1, 1, 1, 1)), 2);
        importAndCompare(window("MaxPool", 9, ints("kernel_shape", 3, 3), s("auto_pad", "SAME_UPPER")), 2);

        String m = assertThrows(ModelException.class, () -> OnnxImport.fromProto(window("Conv", 9,
                s("auto_pad", "SAME_UPPER")).model(), "same.onnx")).getMessage();
        assertTrue(m.contains("node 'n' (Conv): attribute 'auto_pad' = SAME_UPPER pads the height with 1 before and 2"
                + " after, giving 9 outputs where 1 on both sides gives 8"), m);
        // ceil rounding adds a window that starts in the end padding: ONNX's shape inference counts
        // it, ONNX Runtime's kernel and PyTorch drop it, so it is refused
        m = assertThrows(ModelException.class, () -> OnnxImport.fromProto(window("MaxPool", 5,
                ints("kernel_shape", 2, 2), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), i("ceil_mode", 1))
                .model(), "ceil.onnx")).getMessage();
        assertTrue(m.contains("attribute 'ceil_mode' = 1 rounds up to 4 outputs along the height where floor"
                + " rounding gives 3"), m);
    }

    @Test
    void reshapeAndFlattenVariants() {
        for (long[] target : new long[][] {{-1, 3 * 4 * 4}, {0, -1}}) {
            OnnxGraph g = new OnnxGraph("reshape", 13, 6).input("x", 0, 3, 4, 4).output("y").weight("W", 2, 48)
                    .longs("target", target, 2)
                    .node("Reshape", "flat", "x,target", "f")
                    .node("Gemm", "fc", "f,W", "y", i("transB", 1));
            assertEquals(List.of("flatten", "dense"), types(importAndCompare(g, 2)));
        }
        OnnxGraph fixedBatch = new OnnxGraph("fixed", 13, 7).input("x", 1, 3, 4, 4).output("y").weight("W", 2, 48)
                .longs("target", new long[] {1, -1}, 2)
                .node("GlobalMaxPool", "unused", "x", "m")
                .node("Reshape", "same", "x,target", "f")
                .node("Gemm", "fc", "f,W", "y", i("transB", 1));
        assertEquals(List.of("flatten", "dense"), types(importAndCompare(fixedBatch, 1)));
        OnnxGraph flatten = new OnnxGraph("flatten", 13, 8).input("x", 0, 3, 4, 4).output("y")
                .node("GlobalMaxPool", "gmp", "x", "m").node("Flatten", "f", "m", "y", i("axis", 1));
        assertEquals(List.of("maxpool2d", "flatten"), types(importAndCompare(flatten, 2)));
    }

    @Test
    void olderOpsetsReadAttributesWhereLaterOnesTakeInputs() {
        OnnxGraph g = new OnnxGraph("opset10", 10, 9).input("x", 0, 3, 5, 5).output("y")
                .weight("W", 4, 3, 3, 3).weight("fc", 2, 36).weight("fc.bias", 2)
                .node("Conv", "conv", "x,W", "c")
                .node("Clip", "clip", "c", "r", f("min", 0f))
                .node("Shape", "shape", "r", "s")
                .node("Constant", "zero", "", "z", t("value", int64("", new long[] {0})))
                .node("Gather", "gather", "s,z", "n")
                .node("Unsqueeze", "unsqueeze", "n", "n1", ints("axes", 0))
                .node("Constant", "rest", "", "k", t("value", int64("", new long[] {36}, 1)))
                .node("Concat", "concat", "n1,k", "target", i("axis", 0))
                .node("Reshape", "reshape", "r,target", "f")
                .node("Gemm", "gemm", "f,fc,fc.bias", "l", i("transB", 1))
                .node("Softmax", "softmax", "l", "y");
        assertEquals(List.of("conv2d", "relu", "flatten", "dense", "softmax"), types(importAndCompare(g, 2)));
    }
}
