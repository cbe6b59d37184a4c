package io.systole.backend.opencl;

import io.systole.backend.Stage;
import io.systole.model.AvgPool2d;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Flatten;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Pool2d;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.quant.Activation;
import io.systole.quant.QuantizedNetwork;
import io.systole.sim.ArrayLayer;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.sim.PoolingUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One step of a stage that runs on an OpenCL device: an array layer (convolution or dense) with
 * what is fused after it, or a pooling layer. Activations are (batch, C, H, W) tensors of the
 * array's activation type ({@link ArrayLayer#activationType}); each step reads the previous
 * step's output.
 */
public sealed interface ClOp {
  /** The step's name in timings and messages: the network nodes it covers, joined by '+'. */
  String name();

  /** The output shape (batch, C, H, W). */
  int[] outputShape();

  /**
   * A convolution or dense layer on the array, then a ReLU and a pooling layer when fused.
   *
   * @param name the nodes covered
   * @param layer the mapping and operands in the array's format
   * @param relu a ReLU on the float32 output; int8 and fixed-point operands carry their own
   *     ({@link Operands.Int8Layer#relu()}, {@link Operands.FixedLayer#relu()})
   * @param pool pooling of the layer's output fused into the same kernel, or null
   */
  record Gemm(String name, ArrayLayer layer, boolean relu, Pool pool) implements ClOp {
    public Gemm {
      Objects.requireNonNull(layer, "layer");
      if (relu && !(layer.operands() instanceof Operands.F32Layer)) {
        throw new IllegalArgumentException(
            "layer '" + name + "': int8 and fixed-point operands fuse a ReLU by their relu flag");
      }
      ImplicitGemm g = layer.gemm();
      if (pool != null) {
        ImplicitGemm p = pool.geometry();
        if (p.batch() != g.batch() || p.inC() != g.outC() || p.inH() != g.outH()
            || p.inW() != g.outW()) {
          throw new IllegalArgumentException(
              "layer '" + name + "': fused pooling expects " + p.batch() + "x" + p.inC() + "x"
                  + p.inH() + "x" + p.inW() + " but the layer gives " + g.batch() + "x"
                  + g.outC() + "x" + g.outH() + "x" + g.outW());
        }
        if (layer.operands() instanceof Operands.Int8Layer q
            && pool.zeroPoint() != q.outputZeroPoint()) {
          throw new IllegalArgumentException(
              "layer '" + name + "': fused pooling pads with zero point " + pool.zeroPoint()
                  + " but the layer's output zero point is " + q.outputZeroPoint());
        }
      }
    }

    @Override
    public int[] outputShape() {
      if (pool != null) {
        return pool.outputShape();
      }
      ImplicitGemm g = layer.gemm();
      return new int[] {g.batch(), g.outC(), g.outH(), g.outW()};
    }
  }

  /**
   * Max or average pooling per channel, as {@link PoolingUnit#run}.
   *
   * @param name the node
   * @param geometry from {@link PoolingUnit#geometry}
   * @param average average (else max) pooling
   * @param countIncludePad whether padded positions count in an average's divisor
   * @param zeroPoint int8: the pooled values' zero point, which padding holds; else ignored
   */
  record Pool(
      String name, ImplicitGemm geometry, boolean average, boolean countIncludePad, int zeroPoint)
      implements ClOp {
    public Pool {
      Objects.requireNonNull(geometry, "geometry");
      if (geometry.groups() != geometry.inC() || geometry.outC() != geometry.inC()) {
        throw new IllegalArgumentException(
            "pooling '" + name + "': expected the depthwise geometry of PoolingUnit.geometry");
      }
    }

    @Override
    public int[] outputShape() {
      return new int[] {geometry.batch(), geometry.outC(), geometry.outH(), geometry.outW()};
    }
  }

  /** The steps of a float network for a batch: those of the stage of all its nodes. */
  static List<ClOp> of(Network net, int batch, boolean fusePooling) {
    return of(new Stage(Network.INPUT, net, null), batch, fusePooling);
  }

  /**
   * The steps of a stage for a batch, from its first node up to the first node a device stage
   * cannot take (softmax, add, a ReLU that follows no convolution or dense layer), or all of it.
   * A ReLU right after a convolution or dense layer joins it: in float32 as the step's ReLU, in a
   * quantized stage when it is folded into the layer's operands (an unfolded one ends the steps).
   * With {@code fusePooling} a pooling layer after them joins too. Array layers take their
   * operands from the float weights or the quantized network; int8 pooling pads with its input's
   * zero point. Flatten needs no step: (batch, C, H, W) and (batch, C*H*W) share one layout.
   */
  static List<ClOp> of(Stage stage, int batch, boolean fusePooling) {
    Network net = stage.network();
    QuantizedNetwork q = stage.quantized();
    List<Network.Node> nodes = net.nodes();
    List<ClOp> ops = new ArrayList<>();
    int i = 0;
    while (i < nodes.size() && follows(nodes, i)) {
      Network.Node node = nodes.get(i);
      Shape in = net.shapeOf(node.inputs().getFirst());
      ArrayLayer layer;
      switch (node.layer()) {
        case Conv2d c ->
            layer = new ArrayLayer(ImplicitGemm.of(c, in, batch),
                operands(q, node.name(), c.weight(), c.bias()));
        case Dense d ->
            layer = new ArrayLayer(ImplicitGemm.of(d, batch),
                operands(q, node.name(), d.weight(), d.bias()));
        case Pool2d p -> {
          ops.add(pool(stage, node, p, in, batch));
          i++;
          continue;
        }
        case Flatten f -> {
          i++;
          continue;
        }
        default -> {
          return ops;
        }
      }
      String name = node.name();
      boolean relu =
          i + 1 < nodes.size() && follows(nodes, i + 1) && nodes.get(i + 1).layer() instanceof ReLU
              && (q == null || q.isFolded(nodes.get(i + 1).name()));
      if (relu) {
        i++;
        name += "+" + nodes.get(i).name();
      }
      Pool pool = null;
      if (fusePooling
          && i + 1 < nodes.size()
          && follows(nodes, i + 1)
          && nodes.get(i + 1).layer() instanceof Pool2d p) {
        i++;
        pool = pool(stage, nodes.get(i), p, net.shapeOf(nodes.get(i - 1).name()), batch);
        name += "+" + pool.name();
      }
      ops.add(new Gemm(name, layer, relu && q == null, pool));
      i++;
    }
    return ops;
  }

  /** Whether node i reads the output of node i - 1 (the network input for node 0). */
  private static boolean follows(List<Network.Node> nodes, int i) {
    String previous = i == 0 ? Network.INPUT : nodes.get(i - 1).name();
    return nodes.get(i).inputs().equals(List.of(previous));
  }

  /** An array node's operands: the quantized network's, or the float weights and bias. */
  private static Operands operands(
      QuantizedNetwork q, String node, Parameter weight, Parameter bias) {
    return q != null
        ? q.op(node).operands()
        : new Operands.F32Layer(weight.data(), bias == null ? null : bias.data());
  }

  /** A pooling node of a stage; int8 pads with the zero point of the tensor it reads. */
  private static Pool pool(Stage stage, Network.Node node, Pool2d p, Shape in, int batch) {
    String from = stage.outside(node.inputs().getFirst());
    int zeroPoint = stage.quantized() != null
        && stage.quantized().activation(from) instanceof Activation.Int8 a ? a.params().zeroPoint() : 0;
    return new Pool(
        node.name(),
        PoolingUnit.geometry(node.name(), batch, in.c(), in.h(), in.w(), p.window()),
        p instanceof AvgPool2d,
        p.countIncludePad(),
        zeroPoint);
  }
}
