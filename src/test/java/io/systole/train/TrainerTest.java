package io.systole.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.ModelException;
import io.systole.model.Network;
import io.systole.model.Parameter;
import io.systole.model.Zoo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final Dataset DATA = Synthetic.classes(Zoo.get("tied-mlp").inputShape(), 4, 300, 1);

    private static float[] train(long seed, int threads, Optimizer opt) {
        Network net = Zoo.get("tied-mlp");
        Trainer.builder().setOptimizer(opt).setEpochs(2).optBatch(32).optSeed(seed).optThreads(threads).build()
                .fit(net, DATA, Trainer.Listener.NONE);
        List<Float> all = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            for (float v : p.data()) {
                all.add(v);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    @Test
    void sameSeedAndThreadsGiveIdenticalWeights() {
        for (int threads : new int[] {1, 2, 3}) {
            assertArrayEquals(train(7, threads, new Adam(1e-2, 0)), train(7, threads, new Adam(1e-2, 0)),
                    threads + " threads");
        }
        assertArrayEquals(train(7, 2, new Sgd(0.1, 0.9, 1e-4)), train(7, 2, new Sgd(0.1, 0.9, 1e-4)));
        assertFalse(Arrays.equals(train(7, 2, new Adam(1e-2, 0)), train(8, 2, new Adam(1e-2, 0))));
    }

    @Test
    void reportsEveryStepAndEpochAndDecaysTheLearningRate() {
        Network net = Zoo.get("tied-mlp");
        List<Trainer.Progress> steps = new ArrayList<>();
        List<Trainer.Epoch> epochs = new ArrayList<>();
        Sgd sgd = new Sgd(0.2, 0.9, 0);
        List<Trainer.Epoch> h = Trainer.builder().setOptimizer(sgd).setEpochs(3).optBatch(64).optThreads(2)
                .optLrDecay(0.5).build().fit(net, DATA, new Trainer.Listener() {
                    @Override
                    public void step(Trainer.Progress p) {
                        steps.add(p);
                    }

                    @Override
                    public void epoch(Trainer.Epoch e) {
                        epochs.add(e);
                    }
                });
        assertEquals(h, epochs);
        assertEquals(3 * 5, steps.size());
        assertEquals(300, steps.get(4).seen());
        assertEquals(0.2, h.get(0).learningRate(), 1e-12);
        assertEquals(0.05, h.get(2).learningRate(), 1e-12);
        assertEquals(0.2, sgd.learningRate(), 1e-12);
        assertTrue(h.get(2).loss() < h.get(0).loss(), "loss falls");
        assertTrue(h.get(2).accuracy() > 0.6, "accuracy " + h.get(2).accuracy());
    }

    @Test
    void mismatchedDataIsRefusedByName() {
        Network lenet = Zoo.get("lenet5-28");
        Trainer t = Trainer.builder().setOptimizer(new Adam(1e-3, 0)).setEpochs(1).build();
        ModelException e = assertThrows(ModelException.class, () -> t.fit(lenet, DATA, Trainer.Listener.NONE));
        assertTrue(e.getMessage().contains("1x28x28") && e.getMessage().contains("16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().setEpochs(1).build());
    }
}
