package io.systole.cli;

import io.systole.model.Accounting;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.onnx.OnnxImport;
import io.systole.onnx.QuantizedImport;
import io.systole.quant.QuantizedModelFile;
import io.systole.quant.QuantizedNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code systole import model.onnx --out model.json}: an ONNX model as a systole model file, or a
 * quantized one (QDQ, QLinearConv, QLinearMatMul) as a quantized model file.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert an ONNX model into a model file (JSON, weights in an .npz beside it); a quantized"
                + " ONNX model becomes a quantized model file (int8 with FLOAT_SCALE requantization).")
final class ImportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "model.onnx", description = "The ONNX model to read.")
    Path onnx;

    @Option(names = "--out", required = true, paramLabel = "model.json",
            description = "The model file to write; its weights go to the .npz of the same name.")
    Path out;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        Network net;
        if (QuantizedImport.isQuantized(onnx)) {
            QuantizedNetwork q = QuantizedImport.read(onnx);
            QuantizedModelFile.save(q, out);
            net = q.network();
        } else {
            net = OnnxImport.read(onnx);
            ModelFile.save(net, out);
        }
        long t1 = System.nanoTime();
        spec.commandLine().getOut().printf("imported %s as %s with %s parameters; wrote %s in %.1f ms%n", onnx, net,
                Format.count(Accounting.of(net).total().params()), out, (t1 - t0) / 1e6);
        return 0;
    }
}
