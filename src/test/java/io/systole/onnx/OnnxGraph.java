package io.systole.onnx;

import com.google.protobuf.ByteString;
import io.systole.onnx.OnnxProto.AttributeProto;
import io.systole.onnx.OnnxProto.AttributeProto.AttributeType;
import io.systole.onnx.OnnxProto.GraphProto;
import io.systole.onnx.OnnxProto.ModelProto;
import io.systole.onnx.OnnxProto.NodeProto;
import io.systole.onnx.OnnxProto.OperatorSetIdProto;
import io.systole.onnx.OnnxProto.TensorProto;
import io.systole.onnx.OnnxProto.TensorShapeProto;
import io.systole.onnx.OnnxProto.TypeProto;
import io.systole.onnx.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Builds ONNX models in code for the import tests, laid out as exporters lay them out: float
 * weights as initializers (random, seeded, in [-1, 1)), shape arithmetic as int64 constants.
 */
final class OnnxGraph {
    private final GraphProto.Builder graph;
    private final int opset;
    private final SplittableRandom random;

    OnnxGraph(String name, int opset, long seed) {
        this.graph = GraphProto.newBuilder().setName(name);
        this.opset = opset;
        this.random = new SplittableRandom(seed);
    }

    /** A float graph input; a dimension of 0 is the symbolic batch N. */
    OnnxGraph input(String name, long... dims) {
        return typedInput(name, TensorProto.DataType.FLOAT_VALUE, dims);
    }

    /** A graph input of an element type ({@link TensorProto.DataType}); a dimension of 0 is N. */
    OnnxGraph typedInput(String name, int type, long... dims) {
        graph.addInput(value(name, type, dims));
        return this;
    }

    /** A float graph output of unspecified shape. */
    OnnxGraph output(String name) {
        return output(name, TensorProto.DataType.FLOAT_VALUE);
    }

    /** A graph output of an element type and unspecified shape. */
    OnnxGraph output(String name, int type) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type))));
        return this;
    }

    static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d == 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    /** A random float initializer. */
    OnnxGraph weight(String name, long... dims) {
        float[] v = new float[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return floats(name, v, dims);
    }

    OnnxGraph floats(String name, float[] v, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        Arrays.stream(dims).forEach(t::addDims);
        for (float f : v) {
            t.addFloatData(f);
        }
        graph.addInitializer(t);
        return this;
    }

    OnnxGraph longs(String name, long[] v, long... dims) {
        graph.addInitializer(int64(name, v, dims));
        return this;
    }

    static TensorProto int64(String name, long[] v, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        Arrays.stream(dims).forEach(t::addDims);
        Arrays.stream(v).forEach(t::addInt64Data);
        return t.build();
    }

    /** An initializer given as a whole tensor. */
    OnnxGraph initializer(TensorProto t) {
        graph.addInitializer(t);
        return this;
    }

    /** An int8 tensor, {@code v} row-major. */
    static TensorProto int8(String name, byte[] v, long... dims) {
        return raw(name, TensorProto.DataType.INT8_VALUE, ByteString.copyFrom(v), dims);
    }

    /** An int32 tensor, {@code v} row-major. */
    static TensorProto int32(String name, int[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return raw(name, TensorProto.DataType.INT32_VALUE, ByteString.copyFrom(b), dims);
    }

    /** A float32 tensor, {@code v} row-major. */
    static TensorProto float32(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return raw(name, TensorProto.DataType.FLOAT_VALUE, ByteString.copyFrom(b), dims);
    }

    private static TensorProto raw(String name, int type, ByteString data, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(data);
        Arrays.stream(dims).forEach(t::addDims);
        return t.build();
    }

    /** A node; {@code inputs} and {@code outputs} are comma-separated, an empty name an absent optional input. */
    OnnxGraph node(String op, String name, String inputs, String outputs, AttributeProto... attributes) {
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(name)
                .addAllInput(Arrays.asList(inputs.split(",", -1))).addAllOutput(Arrays.asList(outputs.split(",")))
                .addAllAttribute(Arrays.asList(attributes)));
        return this;
    }

    static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        Arrays.stream(v).forEach(a::addInts);
        return a.build();
    }

    static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)).build();
    }

    static AttributeProto t(String name, TensorProto v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(v).build();
    }

    ModelProto model() {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph).build();
    }

    byte[] bytes() {
        return model().toByteArray();
    }
}
