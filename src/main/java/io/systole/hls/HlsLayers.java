package io.systole.hls;

import io.systole.arith.Int8Format;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.Shape;
import io.systole.quant.Activation;
import io.systole.quant.QuantizedNetwork;
import io.systole.quant.QuantizedSimulator;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.sim.PoolingUnit;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The layers of a quantized network chosen for export, each with its operands and the input the
 * simulated network gives it ({@link QuantizedSimulator} on a float input batch).
 */
public final class HlsLayers {
    private HlsLayers() {
    }

    /** The nodes that can be exported, in order: convolution, dense and pooling nodes. */
    public static List<String> exportable(Network net) {
        return net.nodes().stream().filter(n -> isExportable(n.layer())).map(Network.Node::name).toList();
    }

    private static boolean isExportable(Object layer) {
        return layer instanceof Conv2d || layer instanceof Dense || layer instanceof Pool2d;
    }

    /**
     * The named nodes of {@code q} (all exportable ones when {@code nodes} is empty), in network
     * order, with their inputs from a simulated run of {@code input}, a float batch
     * (n, ...input shape).
     *
     * @throws IllegalArgumentException naming the node when it is unknown, runs on the host, or
     *                                  has a fixed-point format of its own; or when the array does
     *                                  not suit the network's format
     */
    public static List<HlsLayer> of(QuantizedNetwork q, ArrayConfig cfg, Tensor input, List<String> nodes) {
        Network net = q.network();
        q.requireArray(cfg);
        List<String> known = exportable(net);
        for (String name : nodes) {
            if (net.nodes().stream().noneMatch(n -> n.name().equals(name))) {
                throw new IllegalArgumentException("network '" + net.name() + "' has no layer '" + name
                        + "'; layers that can be exported: " + String.join(", ", known));
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("layer '" + name + "' of network '" + net.name() + "' is a "
                        + net.node(name).layer().type() + ", which runs on the host; layers that can be exported: "
                        + String.join(", ", known));
            }
        }
        List<String> chosen = nodes.isEmpty() ? known : nodes;
        Map<String, Tensor> values = new QuantizedSimulator(cfg, new FastEngine()).run(q, input).values();
        int batch = input.dim(0);
        List<HlsLayer> layers = new ArrayList<>();
        for (Network.Node node : net.nodes()) {
            if (!chosen.contains(node.name())) {
                continue;
            }
            String from = node.inputs().getFirst();
            Shape in = net.shapeOf(from);
            Tensor x = values.get(from);
            layers.add(switch (node.layer()) {
                case Conv2d c -> new HlsLayer.Gemm(new ArrayLayer(ImplicitGemm.of(c, in, batch), operands(q, node, cfg)),
                        x);
                case Dense d -> new HlsLayer.Gemm(new ArrayLayer(ImplicitGemm.of(d, batch), operands(q, node, cfg)),
                        x.reshape(batch, d.inFeatures(), 1, 1));
                case Pool2d p -> new HlsLayer.Pool(PoolingUnit.geometry(node.name(), batch, in.c(), in.h(), in.w(),
                        p.window()), p instanceof AvgPool2d, p.countIncludePad(), zeroPoint(q.activation(from)), x);
                default -> throw new IllegalStateException("unreachable: " + node.name());
            });
        }
        return layers;
    }

    private static Operands operands(QuantizedNetwork q, Network.Node node, ArrayConfig cfg) {
        QuantizedNetwork.ArrayOp op = q.op(node.name());
        if (!(op.format() instanceof Int8Format) && !op.format().equals(cfg.format())) {
            throw new IllegalArgumentException("layer '" + node.name() + "' has its own format " + op.format()
                    + ", the array is " + cfg.format() + ": an exported project has one format");
        }
        return op.operands();
    }

    private static int zeroPoint(Activation a) {
        return a instanceof Activation.Int8 i ? i.params().zeroPoint() : 0;
    }
}
