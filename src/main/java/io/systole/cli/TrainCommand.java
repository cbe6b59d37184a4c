package io.systole.cli;

import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.train.Adam;
import io.systole.train.Dataset;
import io.systole.train.Optimizer;
import io.systole.train.Sgd;
import io.systole.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code systole train MODEL --data fashion-mnist --epochs N --out model.json}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a network on labelled images with mini-batch SGD or Adam on all cores; save a model file.")
final class TrainCommand implements Callable<Integer> {
    /** The optimizers, as named on the command line. */
    enum Kind {
        sgd, adam
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL",
            description = "A zoo name (fresh weights drawn from --seed) or a model file (training continues from its weights).")
    String model;

    @Option(names = "--data", defaultValue = Dataset.FASHION_MNIST, paramLabel = "DATA",
            description = "fashion-mnist (Debian package " + Dataset.FASHION_MNIST_PACKAGE + "), a directory with"
                    + " train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] or train-images.npy and"
                    + " train-labels.npy, or IMAGES,LABELS (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--epochs", required = true, description = "Passes over the training data.")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd or adam (default: ${DEFAULT-VALUE}).")
    Kind optimizer;

    @Option(names = "--lr", description = "Learning rate (default: 0.001 for adam, 0.01 for sgd).")
    Double lr;

    @Option(names = "--lr-decay", defaultValue = "1", paramLabel = "FACTOR",
            description = "Multiplies the learning rate after every epoch (default: ${DEFAULT-VALUE}, constant).")
    double lrDecay;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of the initial weights of a zoo model and of the shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "Worker threads (default: the available processors).")
    Integer threads;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N images only.")
    Integer limit;

    @Option(names = "--out", required = true, paramLabel = "model.json",
            description = "The model file to write (its weights go to the .npz beside it).")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        Network net = ModelFile.resolve(model);
        if (Zoo.has(model)) {
            net.initialise(seed);
        }
        Dataset train = Dataset.open(data, Dataset.Split.TRAIN);
        if (limit != null) {
            train = train.limit(limit);
        }
        Optimizer opt = optimizer == Kind.sgd ? new Sgd(lr == null ? 0.01 : lr, momentum, weightDecay)
                : new Adam(lr == null ? 1e-3 : lr, weightDecay);
        Trainer trainer = Trainer.builder().setOptimizer(opt).setEpochs(epochs).optBatch(batch).optSeed(seed)
                .optLrDecay(lrDecay).optThreads(threads == null ? Runtime.getRuntime().availableProcessors() : threads)
                .build();
        w.printf("training %s on %s: %d epochs, batch %d, %s, seed %d, %d threads%n", net.name(), train, epochs, batch,
                opt.describe(), seed, trainer.threads());
        w.flush();
        List<Trainer.Epoch> history = trainer.fit(net, train, new ProgressBar(w, ProgressBar.onTerminal()));
        ModelFile.save(net, out);
        double seconds = history.stream().mapToDouble(Trainer.Epoch::seconds).sum();
        Trainer.Epoch last = history.getLast();
        w.printf("trained in %.1f s (%.1f s per epoch, %s images/s); last epoch: loss %.4f, accuracy %.2f%%%n", seconds,
                seconds / epochs, Format.count(Math.round((double) train.size() * epochs / seconds)), last.loss(),
                100 * last.accuracy());
        w.printf("saved %s and its weights%n", out);
        w.flush();
        return 0;
    }
}
