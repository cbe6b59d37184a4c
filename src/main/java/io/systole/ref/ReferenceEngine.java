package io.systole.ref;

import io.systole.model.Add;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a whole network in float32 with the {@link Reference} kernels, any batch size. */
public final class ReferenceEngine {
    private ReferenceEngine() {
    }

    /** The network's output for a batch (n, ...input shape). */
    public static Tensor forward(Network net, Tensor input) {
        Map<String, Tensor> all = forwardAll(net, input);
        return all.get(net.nodes().getLast().name());
    }

    /** Every node's output by node name (and the input under {@link Network#INPUT}). */
    public static Map<String, Tensor> forwardAll(Network net, Tensor input) {
        checkInput(net, input);
        int n = input.dim(0);
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Network.INPUT, input);
        for (Network.Node node : net.nodes()) {
            Tensor x = values.get(node.inputs().getFirst());
            Shape in = net.shapeOf(node.inputs().getFirst());
            float[] xs = x.floats();
            float[] y = switch (node.layer()) {
                case Conv2d c -> Reference.conv2d(xs, n, in.c(), in.h(), in.w(), c.weight().data(),
                        c.bias() == null ? null : c.bias().data(), c.outChannels(), c.groups(), c.window());
                case Pool2d p -> Reference.pool2d(xs, n, in.c(), in.h(), in.w(), p.window(), p instanceof AvgPool2d,
                        p.countIncludePad());
                case Dense d -> Reference.dense(xs, n, d.inFeatures(), d.weight().data(),
                        d.bias() == null ? null : d.bias().data(), d.outFeatures());
                case ReLU r -> Reference.relu(xs);
                case Flatten f -> xs;
                case Softmax s -> Reference.softmax(xs, n, in.c());
                case Add a -> Reference.add(xs, values.get(node.inputs().get(1)).floats());
            };
            values.put(node.name(), Tensor.of(y, node.output().batched(n)));
        }
        return values;
    }

    /** Checks a batch's dtype and shape against the network input, naming both shapes. */
    public static void checkInput(Network net, Tensor input) {
        int[] want = net.inputShape().batched(input.rank() > 0 ? input.dim(0) : 0);
        if (input.dtype() != DType.F32 || !Arrays.equals(input.shape(), want)) {
            String dims = Arrays.toString(net.inputShape().dims());
            throw new ModelException("network '" + net.name() + "' expects a float32 input of shape (N, "
                    + dims.substring(1, dims.length() - 1) + "), got " + input.dtype() + " "
                    + Arrays.toString(input.shape()));
        }
    }
}
