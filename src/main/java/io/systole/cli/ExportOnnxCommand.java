package io.systole.cli;

import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.onnx.OnnxExport;
import io.systole.onnx.QuantizedExport;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code systole export-onnx MODEL --out model.onnx}: a float network as an ONNX model, or a
 * quantized model file (int8, FLOAT_SCALE) as a QDQ model.
 */
@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = "Write a float network as an ONNX model (opset " + OnnxExport.OPSET + "), or a quantized"
                + " model file (int8 with FLOAT_SCALE requantization) in QDQ form.")
final class ExportOnnxCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A zoo name, a model file or a quantized model file.")
    String model;

    @Option(names = "--out", required = true, paramLabel = "model.onnx", description = "The ONNX file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        Network net;
        String form;
        if (QuantizedModelFile.isQuantized(Path.of(model))) {
            QuantizedNetwork q = QuantizedModelFile.load(Path.of(model));
            QuantizedExport.write(q, out);
            net = q.network();
            form = "QDQ " + q.format() + ", " + q.ops().size() + " quantized array layers";
        } else {
            net = ModelFile.resolve(model);
            OnnxExport.write(net, out);
            form = net.parameters().size() + " initializers";
        }
        long t1 = System.nanoTime();
        spec.commandLine().getOut().printf("wrote %s from %s: %s, %s bytes, in %.1f ms%n", out, net, form,
                Format.count(Files.size(out)), (t1 - t0) / 1e6);
        return 0;
    }
}
