package io.systole.train;

import io.systole.model.Add;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.ref.Reference;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Tensor;
import java.util.List;

/**
 * Forward and backward passes of a network over a batch, on the calling thread. Holds no state
 * between calls, so one instance serves several threads.
 *
 * <p>The forward pass equals {@link ReferenceEngine} bit for bit: convolution and dense layers
 * run the vectorising {@link ConvKernels} and {@link DenseKernels}, which keep the reference's
 * order of additions; the other layers run {@link Reference} itself.
 *
 * <p>Training: the class scores (logits) are the input of the network's final {@link Softmax}
 * when it has one, otherwise its output; the loss is {@link SoftmaxCrossEntropy} on them. The
 * backward pass visits nodes in reverse order; a node output read by several nodes receives the
 * sum of their gradients, and a parameter's gradient buffer receives every use (see
 * {@link Gradients}).
 */
public final class Backprop {
    /** Summed loss (nats) and number of correct top-1 predictions over the samples of a pass. */
    public record Pass(double loss, int correct) {
    }

    private final Network net;
    private final List<Network.Node> nodes;
    /** Per node, the index of each input node; -1 for the network input. */
    private final int[][] inputs;
    /** Index of the node whose output holds the logits. */
    private final int logits;
    private final int classes;

    public Backprop(Network net) {
        this.net = net;
        this.nodes = net.nodes();
        this.inputs = new int[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            List<String> in = nodes.get(i).inputs();
            inputs[i] = new int[in.size()];
            for (int j = 0; j < in.size(); j++) {
                inputs[i][j] = indexOf(in.get(j));
            }
        }
        int last = nodes.size() - 1;
        this.logits = nodes.get(last).layer() instanceof Softmax ? inputs[last][0] : last;
        Shape scores = logits < 0 ? net.inputShape() : nodes.get(logits).output();
        if (logits < 0 || scores.isImage()) {
            throw new ModelException("network '" + net.name() + "': training needs a layer producing a vector of"
                    + " class scores before the final softmax, got " + (logits < 0 ? "the network input" : scores));
        }
        this.classes = scores.c();
    }

    private int indexOf(String node) {
        if (node.equals(Network.INPUT)) {
            return -1;
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(node)) {
                return i;
            }
        }
        throw new ModelException("network '" + net.name() + "' has no node '" + node + "'");
    }

    /** Number of classes: the length of the logits vector. */
    public int classes() {
        return classes;
    }

    /** The network output for a float32 batch (n, ...input shape), like {@link ReferenceEngine#forward}. */
    public Tensor forward(Tensor batch) {
        ReferenceEngine.checkInput(net, batch);
        int n = batch.dim(0);
        float[][] v = activations(batch.floats(), n, nodes.size() - 1);
        return Tensor.of(v[nodes.size() - 1], net.outputShape().batched(n));
    }

    /**
     * One training pass over n samples x (n, ...input shape) with labels[0..n): forward to the
     * logits, loss, backward. Adds {@code scale} times the gradient of the summed loss to
     * {@code grads} (scale = 1 / batch size gives the gradient of the batch mean).
     */
    public Pass train(float[] x, int[] labels, int n, float scale, Gradients grads) {
        float[][] v = activations(x, n, logits);
        float[] z = v[logits];
        float[] dz = new float[z.length];
        double loss = SoftmaxCrossEntropy.lossAndGradient(z, n, classes, labels, scale, dz);
        int correct = 0;
        for (int b = 0; b < n; b++) {
            correct += SoftmaxCrossEntropy.argmax(z, b * classes, classes) == labels[b] ? 1 : 0;
        }
        float[][] d = new float[logits + 1][];
        d[logits] = dz;
        for (int i = logits; i >= 0; i--) {
            if (d[i] != null) {
                backward(i, v, x, n, d, grads);
            }
        }
        return new Pass(loss, correct);
    }

    /** Outputs of nodes 0..upTo for the batch x (n samples). */
    private float[][] activations(float[] x, int n, int upTo) {
        float[][] v = new float[upTo + 1][];
        for (int i = 0; i <= upTo; i++) {
            Network.Node node = nodes.get(i);
            Shape in = shapeOf(inputs[i][0]);
            float[] xs = valueOf(v, x, inputs[i][0]);
            v[i] = switch (node.layer()) {
                case Conv2d c -> ConvKernels.forward(xs, n, in.c(), in.h(), in.w(), c.weight().data(), data(c.bias()),
                        c.outChannels(), c.groups(), c.window());
                case Pool2d p -> Reference.pool2d(xs, n, in.c(), in.h(), in.w(), p.window(), p instanceof AvgPool2d,
                        p.countIncludePad());
                case Dense dn -> DenseKernels.forward(xs, n, dn.inFeatures(), dn.weight().data(), data(dn.bias()),
                        dn.outFeatures());
                case ReLU r -> Reference.relu(xs);
                case Flatten f -> xs;
                case Softmax s -> Reference.softmax(xs, n, in.c());
                case Add a -> Reference.add(xs, valueOf(v, x, inputs[i][1]));
            };
        }
        return v;
    }

    /** Propagates node i's output gradient d[i] to its inputs and parameters. */
    private void backward(int i, float[][] v, float[] x, int n, float[][] d, Gradients grads) {
        Network.Node node = nodes.get(i);
        int src = inputs[i][0];
        Shape in = shapeOf(src);
        float[] xs = valueOf(v, x, src);
        float[] dy = d[i];
        boolean wantDx = src >= 0;
        switch (node.layer()) {
            case Conv2d c -> accumulate(d, src, ConvKernels.backward(xs, n, in.c(), in.h(), in.w(), c.weight().data(),
                    c.outChannels(), c.groups(), c.window(), dy, grads.of(c.weight()), gradOf(grads, c.bias()), wantDx),
                    true);
            case Dense dn -> accumulate(d, src, DenseKernels.backward(xs, n, dn.inFeatures(), dn.weight().data(),
                    dn.outFeatures(), dy, grads.of(dn.weight()), gradOf(grads, dn.bias()), wantDx), true);
            case Pool2d p -> {
                if (wantDx) {
                    accumulate(d, src, PoolKernels.backward(xs, n, in.c(), in.h(), in.w(), p.window(),
                            p instanceof AvgPool2d, p.countIncludePad(), dy), true);
                }
            }
            case ReLU r -> {
                if (wantDx) {
                    accumulate(d, src, ActivationKernels.reluBackward(xs, dy), true);
                }
            }
            case Softmax s -> {
                if (wantDx) {
                    accumulate(d, src, ActivationKernels.softmaxBackward(v[i], n, in.c(), dy), true);
                }
            }
            case Flatten f -> accumulate(d, src, dy, false);
            case Add a -> {
                accumulate(d, src, dy, false);
                accumulate(d, inputs[i][1], dy, false);
            }
        }
    }

    /**
     * Adds dx into the output gradient of node src (nothing for the network input). An array
     * that is not {@code owned} (it is another node's gradient) is copied before it is kept.
     */
    private static void accumulate(float[][] d, int src, float[] dx, boolean owned) {
        if (src < 0) {
            return;
        }
        if (d[src] == null) {
            d[src] = owned ? dx : dx.clone();
            return;
        }
        float[] acc = d[src];
        for (int j = 0; j < acc.length; j++) {
            acc[j] += dx[j];
        }
    }

    private Shape shapeOf(int node) {
        return node < 0 ? net.inputShape() : nodes.get(node).output();
    }

    private static float[] valueOf(float[][] v, float[] x, int node) {
        return node < 0 ? x : v[node];
    }

    private static float[] data(Parameter p) {
        return p == null ? null : p.data();
    }

    private static float[] gradOf(Gradients grads, Parameter p) {
        return p == null ? null : grads.of(p);
    }
}
