package io.systole.quant;

import io.systole.arith.FixedFormat;
import io.systole.arith.FixedMac;
import io.systole.arith.OverflowCounter;
import io.systole.arith.Requant;
import io.systole.model.Add;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.ref.Reference;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.PoolingUnit;
import io.systole.sim.Simulator;
import io.systole.tensor.DType;
import io.systole.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The forward pass of a quantized network, node by node, shared by the integer reference and the
 * simulator: they differ only in what computes the array and pooling layers ({@link Units}).
 * Host operations (unfolded ReLU, flatten, softmax) and the conversion of an array layer's input
 * into its fixed-point format are defined here, once.
 */
final class Forward {
    /** What computes the array layers and the pooling layers, and what is told of host nodes. */
    interface Units {
        /**
         * Runs a convolution or dense layer on {@code cfg} (the node's array); {@code conversion}
         * holds the overflows of converting its input into the layer's format.
         */
        Tensor array(Network.Node node, ArrayLayer layer, Tensor x, ArrayConfig cfg, OverflowCounter conversion);

        /** Runs a pooling layer over x (batch, C, H, W) on {@code cfg}; {@code zeroPoint} for int8 padding. */
        Tensor pool(Network.Node node, ImplicitGemm window, boolean average, boolean countIncludePad, int zeroPoint,
                Tensor x, ArrayConfig cfg);

        /** A host node ran (ReLU, flatten, softmax). */
        void host(Network.Node node);
    }

    private Forward() {
    }

    /**
     * Every tensor of the network by name ({@link Network#INPUT} first), each in its
     * {@link Activation}'s type, for a float input batch (n, ...input shape).
     */
    static Map<String, Tensor> run(QuantizedNetwork q, ArrayConfig cfg, Tensor input, Units units,
            Simulator.Progress progress) {
        return run(q, cfg, q.network(), Network.INPUT, q.quantizeInput(input), units, progress);
    }

    /**
     * Every tensor of {@code part} by name ({@link Network#INPUT} first, holding {@code x}), each
     * in its {@link Activation}'s type. {@code part} is the network, or consecutive nodes of it as a
     * network of their own (node names kept) whose input is the tensor {@code from} of the whole
     * network ({@link Network#INPUT} or a node), given in its encoding as {@code x} (n, ...shape).
     *
     * @throws IllegalArgumentException when x is not of the tensor's type and shape
     */
    static Map<String, Tensor> run(QuantizedNetwork q, ArrayConfig cfg, Network part, String from, Tensor x,
            Units units, Simulator.Progress progress) {
        q.requireArray(cfg);
        int n = x.rank() > 0 ? x.dim(0) : 0;
        DType type = q.activation(from).dtype();
        if (x.dtype() != type || !Arrays.equals(x.shape(), part.inputShape().batched(n))) {
            throw new IllegalArgumentException("'" + part.name() + "' reads tensor '" + from + "' as " + type + " "
                    + Arrays.toString(part.inputShape().batched(n)) + ", got " + x.dtype() + " "
                    + Arrays.toString(x.shape()));
        }
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put(Network.INPUT, x);
        for (int i = 0; i < part.nodes().size(); i++) {
            Network.Node node = part.nodes().get(i);
            progress.node(i, part.nodes().size(), node.name());
            String src = node.inputs().getFirst();
            Tensor t = values.get(src);
            Activation in = q.activation(src.equals(Network.INPUT) ? from : src);
            Shape s = part.shapeOf(src);
            Tensor y = switch (node.layer()) {
                case Conv2d c -> array(q, cfg, node, ImplicitGemm.of(c, s, n), t, in, units);
                case Dense d -> array(q, cfg, node, ImplicitGemm.of(d, n), t.reshape(n, d.inFeatures(), 1, 1), in,
                        units);
                case Pool2d p -> units.pool(node, PoolingUnit.geometry(node.name(), n, s.c(), s.h(), s.w(), p.window()),
                        p instanceof AvgPool2d, p.countIncludePad(),
                        in instanceof Activation.Int8 a ? a.params().zeroPoint() : 0, t,
                        QuantizedNetwork.configFor(cfg, in instanceof Activation.Fixed f ? f.format() : cfg.format()));
                case ReLU r -> host(units, node, q.isFolded(node.name()) ? t : relu(t, in));
                case Flatten f -> host(units, node, t);
                case Softmax m -> host(units, node, Tensor.of(Reference.softmax(in.decode(t).floats(), n, s.c()),
                        n, s.c()));
                case Add a -> throw new IllegalStateException("node '" + node.name() + "': add is not supported");
            };
            values.put(node.name(), y.reshape(node.output().batched(n)));
        }
        return values;
    }

    private static Tensor array(QuantizedNetwork q, ArrayConfig cfg, Network.Node node, ImplicitGemm g, Tensor x,
            Activation in, Units units) {
        QuantizedNetwork.ArrayOp op = q.op(node.name());
        OverflowCounter conversion = new OverflowCounter();
        Tensor entering = op.format() instanceof FixedFormat f && in instanceof Activation.Fixed(FixedFormat from)
                ? new Activation.Fixed(f).convert(x, from, conversion) : x;
        return units.array(node, new ArrayLayer(g, op.operands()), entering,
                QuantizedNetwork.configFor(cfg, op.format()), conversion);
    }

    private static Tensor host(Units units, Network.Node node, Tensor y) {
        units.host(node);
        return y;
    }

    /** ReLU on the host: int8 {@code max(q, zeroPoint)} (the clamp of a folded ReLU), fixed {@code max(raw, 0)}. */
    private static Tensor relu(Tensor x, Activation in) {
        return switch (in) {
            case Activation.Int8 a -> {
                byte[] v = x.bytes();
                byte[] y = new byte[v.length];
                int lo = Requant.activationMin(a.params().zeroPoint(), true);
                for (int i = 0; i < v.length; i++) {
                    y[i] = (byte) Math.max(v[i], lo);
                }
                yield Tensor.of(y, x.shape());
            }
            case Activation.Fixed f -> {
                int[] v = x.ints();
                int[] y = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    y[i] = (int) FixedMac.relu(v[i]);
                }
                yield Tensor.of(y, x.shape());
            }
            case Activation.F32 f -> throw new IllegalStateException("ReLU of a float tensor in a quantized network");
        };
    }
}
