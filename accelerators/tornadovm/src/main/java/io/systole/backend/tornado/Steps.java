package io.systole.backend.tornado;

import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Network;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import java.util.ArrayList;
import java.util.List;

/**
 * A float network's nodes as {@link TaskChain} steps for one batch: a convolution or dense layer
 * (a 1x1 convolution of a 1x1 image) takes the ReLU right after it; pooling is a step of its own
 * in the same task graph; Flatten needs no step, since (batch, C, H, W) and (batch, C*H*W) share
 * one layout. A step's name is the nodes it covers joined by '+'.
 */
final class Steps {
    private Steps() {
    }

    /** Every node of {@code net} as steps; a node the kernels cannot run is an error naming it. */
    static List<TaskChain.Step> of(Network net, int batch) {
        List<Network.Node> nodes = net.nodes();
        List<TaskChain.Step> steps = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Network.Node node = nodes.get(i);
            Shape in = net.shapeOf(node.inputs().getFirst());
            ImplicitGemm g;
            Operands.F32Layer op;
            switch (node.layer()) {
                case Conv2d c -> {
                    g = ImplicitGemm.of(c, in, batch);
                    op = new Operands.F32Layer(c.weight().data(), c.bias() == null ? null : c.bias().data());
                }
                case Dense d -> {
                    g = ImplicitGemm.of(d, batch);
                    op = new Operands.F32Layer(d.weight().data(), d.bias() == null ? null : d.bias().data());
                }
                case Pool2d p -> {
                    steps.add(new TaskChain.Pool(node.name(), batch, in.c(), in.h(), in.w(), p.window(),
                            p instanceof AvgPool2d, p.countIncludePad()));
                    continue;
                }
                case Flatten f -> {
                    continue;
                }
                default -> throw new IllegalArgumentException("node '" + node.name() + "' (" + node.layer().type()
                        + ") does not run on TornadoVM: its kernels take convolution, dense, ReLU after either,"
                        + " pooling and flatten; pin it to jvm");
            }
            boolean relu = i + 1 < nodes.size() && nodes.get(i + 1).layer() instanceof ReLU
                    && nodes.get(i + 1).inputs().equals(List.of(node.name()));
            String name = node.name();
            if (relu) {
                i++;
                name += "+" + nodes.get(i).name();
            }
            steps.add(new TaskChain.Conv(name, g, op, relu));
        }
        return steps;
    }
}
