package io.systole.train;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Fashion-MNIST for tests, read once per test run; tests are skipped where it is not installed. */
final class FashionMnist {
    private static Dataset train;
    private static Dataset test;

    private FashionMnist() {
    }

    static void assumeInstalled() {
        assumeTrue(Files.isDirectory(Dataset.FASHION_MNIST_DIR), "Fashion-MNIST is not installed (Debian package "
                + Dataset.FASHION_MNIST_PACKAGE + ")");
    }

    static synchronized Dataset train() {
        assumeInstalled();
        if (train == null) {
            train = open(Dataset.Split.TRAIN);
        }
        return train;
    }

    static synchronized Dataset test() {
        assumeInstalled();
        if (test == null) {
            test = open(Dataset.Split.TEST);
        }
        return test;
    }

    private static Dataset open(Dataset.Split split) {
        try {
            return Dataset.open(Dataset.FASHION_MNIST, split);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
