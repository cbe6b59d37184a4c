package io.systole.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Zoo;
import io.systole.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of small whole networks under the training loss (mean softmax
 * cross-entropy of the logits before the final softmax), every parameter element. The forward
 * pass is float32 and the loss is summed in float64. Each element is differenced with eps 1e-2,
 * or 1e-3 when a ReLU or max-pooling decision changes within 1e-2 (see {@link GradCheck}); at
 * most 10% of a network's elements may find no kink-free eps (4.5% do for "tiny", none for the
 * others, with these seeds). Per element the tolerance is rtol 1e-2 plus atol NOISE / eps
 * (1e-4 at eps 1e-2); per parameter the relative 2-norm error is at most 1e-2 (measured: at
 * most 4e-4). Larger networks cross a kink within any eps that float32 noise allows; LeNet-5's
 * layers are all covered here and in {@link LayerGradientTest}.
 */
class NetworkGradientTest {
    private static final double[] EPS = {1e-2, 1e-3};
    private static final double RTOL = 1e-2;
    /** The float32 rounding of the mean loss, about 2e-7 measured, with a margin of 5. */
    private static final double NOISE = 1e-6;

    /** Awkward sizes: 9x9x3 input, 3->5->7 channels, stride 2, padding, a grouped dilated conv, avg pooling. */
    @Test
    void tinyZooNetwork() {
        checkAll(Zoo.get("tiny"), 2);
    }

    /** One dense layer applied three times: its gradient sums the three uses. */
    @Test
    void tiedMlp() {
        checkAll(Zoo.get("tied-mlp"), 4);
    }

    /** One convolution applied twice, a residual add, max pooling with padding, flatten. */
    @Test
    void convolutionSharedAcrossTwoUses() {
        checkAll(Nets.sharedConv(), 3);
    }

    private static void checkAll(Network net, int n) {
        Backprop bp = new Backprop(net);
        Tensor x = Nets.batch(net, n, 21);
        int[] labels = Nets.labels(n, bp.classes(), 12);
        Gradients g = new Gradients(net);
        bp.train(x.floats(), labels, n, 1f / n, g);
        Gradients scratch = new Gradients(net);
        int skipped = 0;
        int checked = 0;
        for (Parameter p : net.parameters()) {
            skipped += GradCheck.check(net.name() + " " + p.name(), p.data(), g.of(p),
                    () -> bp.train(x.floats(), labels, n, 1f / n, scratch).loss() / n, () -> GradCheck.routing(net, x),
                    EPS, RTOL, NOISE);
            checked += p.size();
        }
        assertTrue(skipped <= checked / 10, net.name() + ": " + skipped + " of " + checked
                + " elements had a ReLU or max-pooling kink within every eps");
    }
}
