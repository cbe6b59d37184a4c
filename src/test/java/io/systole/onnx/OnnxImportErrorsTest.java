package io.systole.onnx;

import static io.systole.onnx.OnnxGraph.f;
import static io.systole.onnx.OnnxGraph.i;
import static io.systole.onnx.OnnxGraph.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.ModelException;
import io.systole.model.Zoo;
import io.systole.onnx.OnnxProto.NodeProto;
import io.systole.onnx.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models that cannot be imported: one error naming the file and every node at fault. */
class OnnxImportErrorsTest {
    @TempDir
    Path dir;

    private String readError(byte[] bytes) throws IOException {
        Path f = dir.resolve("bad.onnx");
        Files.write(f, bytes);
        String m = assertThrows(ModelException.class, () -> OnnxImport.read(f)).getMessage();
        assertTrue(m.startsWith(f.toString() + ": "), m);
        return m;
    }

    @Test
    void everyUnsupportedNodeIsListedInOneError() throws IOException {
        OnnxGraph g = new OnnxGraph("bad", 13, 1).input("x", 0, 3, 8, 8).output("y")
                .weight("W", 4, 3, 3, 3).weight("W1d", 4, 3, 3).weight("scale", 3).weight("bias", 3)
                .weight("mean", 3).floats("var", new float[] {1, 1, 1}, 3)
                .floats("zero", new float[] {0}).floats("six", new float[] {6})
                .node("Conv", "conv_asym", "x,W", "a", ints("pads", 0, 0, 1, 1), ints("strides", 2, 2))
                .node("MaxPool", "pool_ceil", "x", "b", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        i("ceil_mode", 1))
                .node("BatchNormalization", "bn", "x,scale,bias,mean,var", "c")
                .node("Relu", "after_bn", "c", "d")
                .node("Clip", "relu6", "x,zero,six", "e")
                .node("Conv", "conv_1d", "x,W1d", "h")
                .node("Softmax", "softmax_image", "x", "k")
                .node("Relu", "odd_relu", "x", "l", f("alpha", 0.1f))
                .node("LeakyRelu", "", "x", "m", f("alpha", 0.1f))
                .node("Add", "j1", "a,b", "s1").node("Add", "j2", "s1,d", "s2").node("Add", "j3", "s2,e", "s3")
                .node("Add", "j4", "s3,h", "s4").node("Add", "j5", "s4,k", "s5").node("Add", "j6", "s5,l", "s6")
                .node("Add", "j7", "s6,m", "y");
        String m = readError(g.bytes());
        assertTrue(m.contains("cannot import 8 nodes:"), m);
        for (String expected : new String[] {
            "node 'conv_asym' (Conv): attribute 'pads' = [0, 0, 1, 1] pads the height with 0 before and 1 after,"
                    + " giving 4 outputs where 0 on both sides gives 3",
            "node 'pool_ceil' (MaxPool): attribute 'ceil_mode' = 1 rounds up to 4 outputs",
            "node 'bn' (BatchNormalization): operator not supported",
            "node 'relu6' (Clip): input 'max' = 6.0: only Clip(0, inf) is supported",
            "node 'conv_1d' (Conv): weight 'W1d' [4, 3, 3] is not 4-D",
            "node 'softmax_image' (Softmax): input is an image 3x8x8",
            "node 'odd_relu' (Relu): attribute 'alpha' not supported",
            "node #8 (LeakyRelu): operator not supported",
            "supported operators: Conv, MaxPool"}) {
            assertTrue(m.contains(expected), "missing \"" + expected + "\" in:\n" + m);
        }
        assertFalse(m.contains("after_bn") || m.contains("'j"), m);
    }

    @Test
    void garbageTruncatedAndEmptyFilesAreClearErrors() throws IOException {
        assertTrue(readError("this is not an ONNX model\n".getBytes(StandardCharsets.UTF_8))
                .contains("not a valid ONNX model"));
        byte[] model = OnnxExport.toProto(Zoo.get("tiny")).toByteArray();
        assertTrue(readError(Arrays.copyOf(model, model.length * 2 / 3)).contains("not a valid ONNX model"));
        assertTrue(readError(new byte[0]).contains("it has no graph nodes"));
        Path missing = dir.resolve("missing.onnx");
        assertEquals(missing + ": no such file",
                assertThrows(ModelException.class, () -> OnnxImport.read(missing)).getMessage());
    }

    @Test
    void graphsWithoutOneFloatImageOrVectorInputAndOneOutputAreRejected() throws IOException {
        OnnxGraph two = new OnnxGraph("two", 13, 2).input("x", 0, 4).output("y").output("z")
                .node("Relu", "r", "x", "y").node("Relu", "q", "x", "z");
        assertTrue(readError(two.bytes()).contains("the graph has 2 outputs [y, z]; a network has exactly one"));

        var m = new OnnxGraph("ints", 13, 3).output("y").node("Relu", "r", "x", "y").model().toBuilder();
        m.getGraphBuilder().addInput(OnnxGraph.value("x", TensorProto.DataType.INT64_VALUE, 0, 4));
        assertTrue(readError(m.build().toByteArray()).contains("graph input 'x' is INT64 [N, 4]; expected FLOAT"));

        var external = new OnnxGraph("ext", 13, 4).input("x", 0, 4).output("y").weight("W", 4, 2)
                .node("MatMul", "mm", "x,W", "y").model().toBuilder();
        external.getGraphBuilder().getInitializerBuilder(0).clearFloatData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL);
        assertTrue(readError(external.build().toByteArray()).contains(
                "node 'mm' (MatMul): tensor 'W' keeps its data in an external file"));

        var custom = new OnnxGraph("custom", 13, 5).input("x", 0, 4).output("y").model().toBuilder();
        custom.getGraphBuilder().addNode(NodeProto.newBuilder().setName("fused").setOpType("Relu")
                .setDomain("com.example").addInput("x").addOutput("y"));
        assertTrue(readError(custom.build().toByteArray()).contains(
                "node 'fused' (Relu): operator domain 'com.example' is not supported"));
    }
}
