package io.systole.cli;

import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.onnx.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code systole export-onnx MODEL --out model.onnx}: a float network as an ONNX model. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = "Write a float network as an ONNX model (opset " + OnnxExport.OPSET + ").")
final class ExportOnnxCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A zoo name or a model file.")
    String model;

    @Option(names = "--out", required = true, paramLabel = "model.onnx", description = "The ONNX file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        Network net = ModelFile.resolve(model);
        OnnxExport.write(net, out);
        long t1 = System.nanoTime();
        spec.commandLine().getOut().printf("wrote %s from %s: %d initializers, %s bytes, in %.1f ms%n", out, net,
                net.parameters().size(), Format.count(Files.size(out)), (t1 - t0) / 1e6);
        return 0;
    }
}
