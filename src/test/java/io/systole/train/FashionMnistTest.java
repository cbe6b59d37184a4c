package io.systole.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.ref.ReferenceEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training on real data, briefly: the full training is the `systole train` command. */
class FashionMnistTest {
    @Test
    void theInstalledFilesHaveTheExpectedShape() {
        Dataset train = FashionMnist.train();
        Dataset test = FashionMnist.test();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {60_000, 1, 28, 28}, train.images().shape());
        assertEquals(Dataset.FASHION_MNIST_CLASSES, test.classNames());
        float max = 0;
        for (float v : test.images().floats()) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }

    /** 200 steps of 32 images (2 epochs of a 3,200-image slice) on LeNet-5. */
    @Test
    void lenet5LearnsFromAFewHundredSteps() {
        Network net = Zoo.get("lenet5-28");
        Dataset slice = FashionMnist.train().limit(3_200);
        Evaluation before = Evaluation.of(FashionMnist.test().limit(1_000), new Backprop(net)::forward, 2);
        List<Trainer.Epoch> h = Trainer.builder().setOptimizer(new Adam(2e-3, 0)).setEpochs(2).optBatch(32)
                .optThreads(2).optSeed(1).build().fit(net, slice, Trainer.Listener.NONE);
        Evaluation after = Evaluation.of(FashionMnist.test().limit(1_000), new Backprop(net)::forward, 2);
        assertTrue(h.get(1).loss() < 0.8 * h.get(0).loss(), "loss " + h.get(0).loss() + " -> " + h.get(1).loss());
        assertTrue(after.accuracy() > 0.6, "accuracy on 1,000 test images " + after.accuracy() + " (before "
                + before.accuracy() + ")");
        assertEquals(1_000, after.total());
    }

    /**
     * The trained model shipped in models/ (see the training command in its commit) scores
     * 89.57% on the full test set; the reference engine must reproduce it, and the training
     * forward pass must predict exactly the same classes.
     */
    @Test
    void shippedModelReachesItsAccuracyWithTheReferenceEngine() throws IOException {
        Network net = ModelFile.load(Path.of("models/lenet5-fashion.json"));
        Dataset test = FashionMnist.test();
        Evaluation reference = Evaluation.of(test, batch -> ReferenceEngine.forward(net, batch), 2);
        assertEquals(8_957, reference.correct());
        assertTrue(reference.accuracy() >= 0.89);
        Evaluation fast = Evaluation.of(test, new Backprop(net)::forward, 2);
        assertArrayEquals(reference.confusion(), fast.confusion());
    }
}
