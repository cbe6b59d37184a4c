package io.systole.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.train.Backprop;
import io.systole.train.Dataset;
import io.systole.train.Evaluation;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code systole eval MODEL --data fashion-mnist [--json] [--confusion]}. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Top-1 accuracy of a network on the test images (float32 on the JVM, equal to the reference engine).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A zoo name or a model file.")
    String model;

    @Option(names = "--data", defaultValue = Dataset.FASHION_MNIST, paramLabel = "DATA",
            description = "fashion-mnist (Debian package " + Dataset.FASHION_MNIST_PACKAGE + "), a directory with"
                    + " t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] or t10k-images.npy and"
                    + " t10k-labels.npy, or IMAGES,LABELS (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N images only.")
    Integer limit;

    @Option(names = "--threads", description = "Worker threads (default: the available processors).")
    Integer threads;

    @Option(names = "--confusion", description = "Also print the confusion matrix (rows: true class, columns: predicted).")
    boolean confusion;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Network net = ModelFile.resolve(model);
        Dataset test = Dataset.open(data, Dataset.Split.TEST);
        if (limit != null) {
            test = test.limit(limit);
        }
        Evaluation e = Evaluation.of(test, new Backprop(net)::forward,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(net, test, e) : text(net, test, e));
        out.flush();
        return 0;
    }

    private String text(Network net, Dataset test, Evaluation e) {
        StringBuilder sb = new StringBuilder(String.format("%s on %s: top-1 accuracy %.2f%% (%s / %s); %.2f s, %s images/s%n",
                net.name(), test.name(), 100 * e.accuracy(), Format.count(e.correct()), Format.count(e.total()),
                e.seconds(), Format.count(Math.round(e.imagesPerSecond()))));
        if (confusion) {
            List<String> header = new ArrayList<>(List.of("true \\ predicted"));
            List<List<String>> rows = new ArrayList<>();
            for (int c = 0; c < e.classes(); c++) {
                header.add(Integer.toString(c));
                List<String> row = new ArrayList<>(List.of(c + " " + e.classNames().get(c)));
                for (long v : e.confusion()[c]) {
                    row.add(Format.count(v));
                }
                rows.add(row);
            }
            sb.append('\n').append(Format.table(header, rows));
        }
        return sb.toString();
    }

    private String json(Network net, Dataset test, Evaluation e) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("model", net.name());
        root.put("data", test.name());
        root.put("images", e.total());
        root.put("correct", e.correct());
        root.put("accuracy", e.accuracy());
        root.put("seconds", e.seconds());
        root.put("images_per_second", e.imagesPerSecond());
        if (confusion) {
            ArrayNode names = root.putArray("classes");
            e.classNames().forEach(names::add);
            ArrayNode matrix = root.putArray("confusion");
            for (long[] row : e.confusion()) {
                ArrayNode r = matrix.addArray();
                for (long v : row) {
                    r.add(v);
                }
            }
        }
        return m.writeValueAsString(root) + "\n";
    }
}
