package io.systole.cli;

import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code systole run MODEL --input x.npy --output y.npy}. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a network on an input batch.")
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A zoo name or a model file.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "x.npy",
            description = "Input batch, float32 (N, C, H, W) or (N, F).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "y.npy", description = "Where to write the output.")
    Path output;

    @Override
    public Integer call() throws IOException {
        Network net = ModelFile.resolve(model);
        Tensor x = Npy.read(input);
        long t0 = System.nanoTime();
        Tensor y = ReferenceEngine.forward(net, x);
        long t1 = System.nanoTime();
        Npy.write(output, y);
        spec.commandLine().getOut().printf("ran %s on %s %s with the reference engine in %.1f ms; wrote %s %s%n",
                net.name(), input, Arrays.toString(x.shape()), (t1 - t0) / 1e6, output, Arrays.toString(y.shape()));
        return 0;
    }
}
