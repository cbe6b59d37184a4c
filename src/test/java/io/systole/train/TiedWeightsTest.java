package io.systole.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.Accounting;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.ReLU;
import io.systole.model.Shape;
import io.systole.model.Softmax;
import io.systole.model.Zoo;
import io.systole.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weight sharing in the gradient: a tied parameter's gradient is the sum over its uses. */
class TiedWeightsTest {
    /**
     * zoo "tied-mlp" against the same network with three separate copies of the hidden layer.
     * With one sample every use adds its gradient once, so the tied buffer is exactly
     * {@code (g3 + g2) + g1} (uses in backward order); untied parameters get equal gradients.
     */
    @Test
    void tiedGradientIsTheSumOfPerUseGradients() {
        Network tied = Zoo.get("tied-mlp");
        Dense hidden = (Dense) tied.node("hidden").layer();
        Dense[] copies = new Dense[3];
        Network.Builder b = Network.builder("untied-mlp", Shape.flat(16))
                .add(copy((Dense) tied.node("fc_in").layer(), "fc_in")).add(new ReLU("relu"));
        for (int u = 0; u < 3; u++) {
            copies[u] = copy(hidden, "hidden" + u);
            b.add(copies[u]).add(new ReLU("relu" + u));
        }
        Network untied = b.add(copy((Dense) tied.node("fc_out").layer(), "fc_out")).add(new Softmax("softmax")).build();

        for (int n : new int[] {1, 5}) {
            Tensor x = Nets.batch(tied, n, 3);
            int[] labels = Nets.labels(n, 4, 4);
            Gradients gt = new Gradients(tied);
            Gradients gu = new Gradients(untied);
            new Backprop(tied).train(x.floats(), labels, n, 1f, gt);
            new Backprop(untied).train(x.floats(), labels, n, 1f, gu);
            for (Parameter p : List.of(hidden.weight(), hidden.bias())) {
                boolean weight = p == hidden.weight();
                float[] sum = gu.of(weight ? copies[2].weight() : copies[2].bias()).clone();
                for (int u = 1; u >= 0; u--) {
                    float[] g = gu.of(weight ? copies[u].weight() : copies[u].bias());
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += g[i];
                    }
                }
                if (n == 1) {
                    assertArrayEquals(sum, gt.of(p), p.name());
                } else {
                    for (int i = 0; i < sum.length; i++) {
                        assertEquals(sum[i], gt.of(p)[i], 1e-5 * (1 + Math.abs(sum[i])), p.name() + "[" + i + "]");
                    }
                }
            }
            Dense fcOut = (Dense) tied.node("fc_out").layer();
            assertArrayEquals(gu.of(((Dense) untied.node("fc_out").layer()).weight()), gt.of(fcOut.weight()));
        }
    }

    private static Dense copy(Dense d, String name) {
        Dense c = Dense.builder().setName(name).setInFeatures(d.inFeatures()).setOutFeatures(d.outFeatures()).build();
        System.arraycopy(d.weight().data(), 0, c.weight().data(), 0, d.weight().size());
        System.arraycopy(d.bias().data(), 0, c.bias().data(), 0, d.bias().size());
        return c;
    }

    /** One weight Parameter held by two distinct layers (with their own biases). */
    @Test
    void parameterTiedAcrossTwoLayersAccumulatesBothUses() {
        Parameter w = new Parameter("w", 6, 6);
        Dense a = Dense.builder().setName("a").setInFeatures(6).setOutFeatures(6).optWeight(w).build();
        Dense b = Dense.builder().setName("b").setInFeatures(6).setOutFeatures(6).optWeight(w).build();
        Network net = Network.builder("two-layers-one-weight", Shape.flat(6)).add(a).add(new ReLU("r")).add(b)
                .add(new Softmax("s")).build().initialise(5);
        assertEquals(3, net.parameters().size());
        assertEquals(6 * 6 + 6 + 6, Accounting.of(net).total().params());
        Tensor x = Nets.batch(net, 3, 6);
        int[] labels = Nets.labels(3, 6, 7);
        Backprop bp = new Backprop(net);
        Gradients g = new Gradients(net);
        bp.train(x.floats(), labels, 3, 1f / 3, g);
        Gradients scratch = new Gradients(net);
        GradCheck.check("w", w.data(), g.of(w), () -> bp.train(x.floats(), labels, 3, 1f / 3, scratch).loss() / 3,
                () -> GradCheck.routing(net, x), new double[] {1e-2, 1e-3}, 1e-2, 1e-6);
    }

    /** A network applying one convolution twice counts its parameters once and trains. */
    @Test
    void sharedLayerCountsOnceAndTrains() {
        Network net = Nets.sharedConv();
        Conv2d shared = (Conv2d) net.node("shared").layer();
        assertSame(shared, net.node("shared#2").layer());
        Accounting acc = Accounting.of(net);
        assertEquals(2 * 2 * 3 * 3 + 2, acc.row("shared").params());
        assertEquals(0, acc.row("shared#2").params());
        assertTrue(acc.row("shared#2").tied());
        assertEquals(38 + 18 * 3 + 3, acc.total().params());

        Dataset data = Synthetic.classes(net.inputShape(), 3, 240, 8);
        float[] before = shared.weight().data().clone();
        List<Trainer.Epoch> h = Trainer.builder().setOptimizer(new Adam(1e-2, 0)).setEpochs(8).optBatch(16)
                .optThreads(2).build().fit(net, data, Trainer.Listener.NONE);
        assertTrue(h.getLast().loss() < 0.6 * h.getFirst().loss(), "loss " + h.getFirst().loss() + " -> "
                + h.getLast().loss());
        assertTrue(h.getLast().accuracy() > 0.8, "accuracy " + h.getLast().accuracy());
        assertTrue(!java.util.Arrays.equals(before, shared.weight().data()));
        assertSame(shared, net.node("shared#2").layer());
        assertEquals(acc.total().params(), Accounting.of(net).total().params());
    }
}
