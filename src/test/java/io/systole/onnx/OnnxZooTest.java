package io.systole.onnx;

import static io.systole.onnx.OnnxTesting.assertAgrees;
import static io.systole.onnx.OnnxTesting.assertExportAgreesAndRoundTrips;
import static io.systole.onnx.OnnxTesting.assertIdentical;

import io.systole.model.Network;
import io.systole.model.Shape;
import io.systole.model.Zoo;
import org.junit.jupiter.api.Test;

/**
 * Every zoo network exported to ONNX: ONNX Runtime agrees with the reference engine, and
 * importing the export gives the network back. AlexNet and VGG-16 are too slow for the plain
 * reference loops at full size on every test run, so: AlexNet's full network round-trips, and
 * ONNX Runtime checks its convolutional part on a 67x67 input (every layer, pool5 gives 1x1) and
 * its classifier (fc6..softmax) at full size; VGG-16's convolutional part (all 13 convolutions and
 * 5 pools) round-trips and is checked on a 32x32 input. All with the zoo's seed-0 weights.
 */
class OnnxZooTest {
    @Test
    void smallZooNetworksAgreeWithOnnxRuntimeAndRoundTrip() throws Exception {
        for (String name : new String[] {"lenet5", "lenet5-28", "tiny", "tied-mlp"}) {
            double rel = assertExportAgreesAndRoundTrips(name, Zoo.get(name), 3, 7);
            System.out.printf("onnx %s: max |ours - ORT| = %.2g of the output magnitude%n", name, rel);
        }
    }

    @Test
    void alexnet() throws Exception {
        Network net = Zoo.get("alexnet");
        assertIdentical(net, OnnxImport.fromProto(OnnxProto.ModelProto.parseFrom(
                OnnxExport.toProto(net).toByteArray()), "alexnet"));
        Network features = part(net, "alexnet-features", Shape.chw(3, 67, 67), "conv1", "pool5");
        Network classifier = part(net, "alexnet-classifier", Shape.flat(256 * 6 * 6), "fc6", "softmax");
        for (Network n : new Network[] {features, classifier}) {
            double rel = assertExportAgreesAndRoundTrips(n.name(), n, 1, 11);
            System.out.printf("onnx %s: max |ours - ORT| = %.2g of the output magnitude%n", n.name(), rel);
        }
    }

    @Test
    void vgg16ConvolutionalPart() throws Exception {
        Network features = part(Zoo.get("vgg16"), "vgg16-features", Shape.chw(3, 32, 32), "conv1_1", "pool5");
        double rel = assertExportAgreesAndRoundTrips(features.name(), features, 1, 13);
        System.out.printf("onnx %s: max |ours - ORT| = %.2g of the output magnitude%n", features.name(), rel);
    }

    /** The chain of nodes first..last of a sequential network, with its layers, on another input. */
    private static Network part(Network net, String name, Shape input, String first, String last) {
        Network.Builder b = Network.builder(name, input);
        boolean in = false;
        for (Network.Node n : net.nodes()) {
            in |= n.name().equals(first);
            if (in) {
                b.add(n.layer());
            }
            if (n.name().equals(last)) {
                break;
            }
        }
        return b.build();
    }
}
