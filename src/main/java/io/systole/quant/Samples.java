package io.systole.quant;

import io.systole.tensor.DType;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sample inputs for calibration and error reports: a float32 NPY batch, or the first images of a
 * dataset (read by the command line through the training package's dataset loader).
 *
 * @param images float32 (n, ...input shape)
 * @param labels (n) class labels, or {@code null} when the source has none
 */
public record Samples(Tensor images, int[] labels) {
    /** A float32 batch (n, ...) from an NPY file, without labels. */
    public static Samples npy(Path file) throws IOException {
        Tensor t = Npy.read(file);
        if (t.dtype() != DType.F32 || t.rank() < 2) {
            throw new IOException(file + ": expected a float32 batch (N, C, H, W) or (N, F), got " + t.dtype() + " "
                    + Arrays.toString(t.shape()));
        }
        return new Samples(t, null);
    }
}
