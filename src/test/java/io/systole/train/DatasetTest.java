package io.systole.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.Shape;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir
    Path dir;

    /** Writes an IDX file of unsigned bytes, gzip-compressed. */
    static void writeIdx(Path file, int[] dims, int[] values) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            for (int v : values) {
                out.writeByte(v);
            }
        }
    }

    @Test
    void idxImagesAreScaledToUnitRangeWithAChannelAxis() throws IOException {
        writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), new int[] {2, 2, 3}, new int[] {0, 51, 102, 153, 204, 255,
            255, 0, 0, 0, 0, 1});
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), new int[] {2}, new int[] {7, 3});
        Dataset d = Dataset.open(dir.toString(), Dataset.Split.TEST);
        assertArrayEquals(new int[] {2, 1, 2, 3}, d.images().shape());
        assertEquals(Shape.chw(1, 2, 3), d.sampleShape());
        assertEquals(0.2f, d.images().floats()[1]);
        assertEquals(1f, d.images().floats()[5]);
        assertEquals(1f / 255, d.images().floats()[11]);
        assertArrayEquals(new int[] {7, 3}, d.labels());
        assertEquals(8, d.classNames().size());
        assertEquals(1, d.slice(1, 2).size());
        assertEquals(3, d.slice(1, 2).labels()[0]);
    }

    @Test
    void npyPairsByDirectoryOrByName() throws IOException {
        Npy.write(dir.resolve("train-images.npy"), Tensor.of(new float[] {0.5f, -1f, 2f, 3f, 4f, 5f}, 3, 2));
        Npy.write(dir.resolve("train-labels.npy"), Tensor.of(new int[] {0, 2, 1}, 3));
        Dataset d = Dataset.open(dir.toString(), Dataset.Split.TRAIN);
        assertEquals(Shape.flat(2), d.sampleShape());
        assertEquals(-1f, d.images().floats()[1]);
        Dataset pair = Dataset.open(dir.resolve("train-images.npy") + "," + dir.resolve("train-labels.npy"),
                Dataset.Split.TEST);
        assertArrayEquals(d.labels(), pair.labels());
        assertEquals(2, d.limit(2).size());
    }

    @Test
    void missingFashionMnistNamesThePackage() {
        IOException e = assertThrows(IOException.class, () -> Dataset.fashionMnist(dir, Dataset.Split.TRAIN));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist") && e.getMessage().contains(dir.toString()),
                e.getMessage());
        assertTrue(Dataset.FASHION_MNIST_DIR.toString().equals("/usr/share/datasets/fashion-mnist"));
    }

    @Test
    void badDataIsNamed() throws IOException {
        IOException e = assertThrows(IOException.class, () -> Dataset.open(dir.toString(), Dataset.Split.TRAIN));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        e = assertThrows(IOException.class, () -> Dataset.open(dir.resolve("nothing").toString(), Dataset.Split.TRAIN));
        assertTrue(e.getMessage().contains("fashion-mnist"), e.getMessage());
        Npy.write(dir.resolve("x.npy"), Tensor.of(new float[6], 3, 2));
        Npy.write(dir.resolve("y.npy"), Tensor.of(new int[] {1, 2}, 2));
        e = assertThrows(IOException.class, () -> Dataset.read(dir.resolve("x.npy"), dir.resolve("y.npy")));
        assertTrue(e.getMessage().contains("y.npy") && e.getMessage().contains("2 labels for 3 images"), e.getMessage());
    }
}
