package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.systole.train.Dataset;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The shipped model through the command, on a slice of Fashion-MNIST's test images. */
class EvalCommandTest {
    @Test
    void shippedModelWithConfusionMatrix() {
        assumeTrue(Files.isDirectory(Dataset.FASHION_MNIST_DIR), "needs the Debian package "
                + Dataset.FASHION_MNIST_PACKAGE);
        TrainCommandTest.Run r = TrainCommandTest.run(new EvalCommand(), "models/lenet5-fashion.json", "--limit",
                "1000", "--confusion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fashion-mnist test: top-1 accuracy") && r.out().contains("/ 1,000"), r.out());
        assertTrue(r.out().contains("9 Ankle boot"), r.out());
    }
}
