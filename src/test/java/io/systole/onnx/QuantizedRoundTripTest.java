package io.systole.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.systole.arith.Int8Format;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.MaxPool2d;
import io.systole.model.Network;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Zoo;
import io.systole.quant.Calibration;
import io.systole.quant.IntegerReference;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.Quantizer;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * int8 FLOAT_SCALE networks exported in QDQ form: ONNX Runtime runs the file with the same bits
 * as our integer reference, and importing it gives the same quantized network back (encodings,
 * int8 weights, int32 biases, requantization scales, folded ReLUs, and so the same outputs).
 */
class QuantizedRoundTripTest {

    /** 5 -> 7 channels on 9x9 with stride 2 and a folded ReLU, max pooling, a depthwise conv, dense. */
    static Network awkward() {
        return Network.builder("awkward-q", Shape.chw(5, 9, 9))
                .add(Conv2d.builder().setName("conv1").setInChannels(5).setOutChannels(7).setKernel(3).optStride(2)
                        .optPadding(1).build())
                .add(new ReLU("relu1"))
                .add(MaxPool2d.builder().setName("pool").setKernel(2).optStride(1).build())
                .add(Conv2d.builder().setName("depthwise").setInChannels(7).setOutChannels(7).setKernel(2)
                        .optGroups(7).build())
                .add(new Flatten("flatten"))
                .add(Dense.builder().setName("fc").setInFeatures(7 * 3 * 3).setOutFeatures(10).build())
                .build()
                .initialise(11);
    }

    static QuantizedNetwork quantize(Network net) {
        Calibration cal = Calibration.minMax(net, OnnxTesting.input(net, 8, 1));
        return Quantizer.int8(net, QuantizedImport.FORMAT, cal).network();
    }

    @Test
    void awkwardNetworkRunsInOnnxRuntimeBitForBitAndRoundTrips() throws Exception {
        QuantizedNetwork q = quantize(awkward());
        byte[] model = QuantizedExport.toProto(q).toByteArray();
        QuantizedImportTest.assertBitExact(q, model, 3, 21);
        assertSameQuantizedNetwork(q, QuantizedImport.fromProto(OnnxProto.ModelProto.parseFrom(model), "awkward-q"));
    }

    @Test
    void trainedLenetRoundTrips() throws Exception {
        QuantizedNetwork q = quantize(Zoo.get("lenet5-fashion"));
        byte[] model = QuantizedExport.toProto(q).toByteArray();
        assertSameQuantizedNetwork(q, QuantizedImport.fromProto(OnnxProto.ModelProto.parseFrom(model), "lenet"));
    }

    @Test
    void multiplierShiftNetworksAreRefused() {
        Network net = awkward();
        QuantizedNetwork q = Quantizer.int8(net, Int8Format.DEFAULT, Calibration.minMax(net,
                OnnxTesting.input(net, 2, 1))).network();
        assertThrows(IllegalArgumentException.class, () -> QuantizedExport.toProto(q));
    }

    static void assertSameQuantizedNetwork(QuantizedNetwork want, QuantizedNetwork got) {
        assertEquals(want.format(), got.format());
        assertEquals(want.network().nodes().stream().map(Network.Node::name).toList(),
                got.network().nodes().stream().map(Network.Node::name).toList());
        assertEquals(want.activations(), got.activations());
        assertEquals(want.ops().size(), got.ops().size());
        for (int i = 0; i < want.ops().size(); i++) {
            QuantizedNetwork.ArrayOp a = want.ops().get(i);
            QuantizedNetwork.ArrayOp b = got.ops().get(i);
            String at = "node " + a.node();
            assertEquals(a.node(), b.node(), at);
            assertEquals(a.foldedRelu(), b.foldedRelu(), at);
            Operands.Int8Layer x = (Operands.Int8Layer) a.operands();
            Operands.Int8Layer y = (Operands.Int8Layer) b.operands();
            assertArrayEquals(x.weight(), y.weight(), at + ": weights");
            assertArrayEquals(x.bias(), y.bias(), at + ": biases");
            assertArrayEquals(x.scales(), y.scales(), at + ": requantization scales");
            assertEquals(x.inputZeroPoint(), y.inputZeroPoint(), at);
            assertEquals(x.outputZeroPoint(), y.outputZeroPoint(), at);
            assertEquals(x.relu(), y.relu(), at);
        }
        Tensor in = OnnxTesting.input(want.network(), 2, 3);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(want.format());
        assertEquals(IntegerReference.forward(want, cfg, in), IntegerReference.forward(got, cfg, in));
    }
}
