package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
    @TempDir
    Path dir;

    /** Result of one command line: exit code, standard output, standard error. */
    record Run(int code, String out, String err) {
    }

    static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * Writes PREFIX-images.npy (n, 16) and PREFIX-labels.npy for the zoo's tied-mlp (4 classes):
     * label c lifts the 4 features of block c.
     */
    static void writeData(Path dir, String prefix, int n, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * 16];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            y[s] = rnd.nextInt(4);
            for (int i = 0; i < 16; i++) {
                x[s * 16 + i] = (float) ((i / 4 == y[s] ? 0.4 : 0) + 0.6 * rnd.nextDouble());
            }
        }
        Npy.write(dir.resolve(prefix + "-images.npy"), Tensor.of(x, n, 16));
        Npy.write(dir.resolve(prefix + "-labels.npy"), Tensor.of(y, n));
    }

    @Test
    void trainsSavesAndEvaluates() throws IOException {
        writeData(dir, "train", 400, 1);
        writeData(dir, "t10k", 200, 2);
        Path model = dir.resolve("out/mlp.json");
        Run r = run(new TrainCommand(), "tied-mlp", "--data", dir.toString(), "--epochs", "3", "--batch", "16",
                "--lr", "0.01", "--lr-decay", "0.8", "--seed", "3", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 1/3: loss") && r.out().contains("epoch 3/3: loss"), r.out());
        assertTrue(r.out().contains("adam(lr=0.01"), r.out());
        assertTrue(Files.exists(dir.resolve("out/mlp.npz")));
        Network net = ModelFile.load(model);
        assertEquals(3, net.nodes().stream().filter(n -> n.layer().name().equals("hidden")).count());

        Run e = run(new EvalCommand(), model.toString(), "--data", dir.toString(), "--confusion");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("top-1 accuracy") && e.out().contains("true \\ predicted"), e.out());
        Run j = run(new EvalCommand(), model.toString(), "--data", dir.toString(), "--json", "--limit", "50");
        assertTrue(j.out().contains("\"images\" : 50") && !j.out().contains("confusion"), j.out());
        double accuracy = Double.parseDouble(j.out().replaceAll("(?s).*\"accuracy\" : ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.8, j.out());
    }

    @Test
    void sgdAndLimit() throws IOException {
        writeData(dir, "train", 100, 4);
        Run r = run(new TrainCommand(), "tied-mlp", "--data", dir.toString(), "--epochs", "1", "--optimizer", "sgd",
                "--limit", "40", "--threads", "1", "--out", dir.resolve("m.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("40 samples") && r.out().contains("sgd(lr=0.01, momentum=0.9"), r.out());
    }

    @Test
    void missingDataIsReportedByName() {
        Run r = run(new TrainCommand(), "tied-mlp", "--data", dir.resolve("absent").toString(), "--epochs", "1",
                "--out", dir.resolve("m.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("absent") && r.err().contains("fashion-mnist"), r.err());
        assertTrue(run(new TrainCommand(), "--help").out().contains("--lr-decay"));
    }
}
