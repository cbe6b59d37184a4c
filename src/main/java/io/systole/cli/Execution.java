package io.systole.cli;

import io.systole.arith.F32;
import io.systole.backend.Backend;
import io.systole.backend.Devices;
import io.systole.model.ModelFile;
import io.systole.model.Network;
import io.systole.partition.Partitioner;
import io.systole.partition.Placement;
import io.systole.partition.Plan;
import io.systole.runtime.Runtime;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.AtomicFiles;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What run, verify and profile share: the model, the array, the devices, the placement. */
final class Execution implements AutoCloseable {
    @Parameters(paramLabel = "MODEL", description = "A zoo name or a model file.")
    String model;

    @Mixin
    ArrayOptions arrayOptions;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|jvm|sim|opencl:N",
            description = "Devices to use besides the host (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--place", paramLabel = "LAYER=DEVICE,...", description = "Pin layers to devices, e.g. conv1=opencl:0,fc1=jvm.")
    String place;

    @Option(names = "--dot", paramLabel = "plan.dot", description = "Write the plan as Graphviz DOT.")
    Path dot;

    Network net;
    ArrayConfig cfg;
    List<Backend> backends;

    /** Loads the model and array, finds the devices. */
    Execution open() throws IOException {
        net = ModelFile.resolve(model);
        cfg = arrayOptions.config();
        if (!(cfg.format() instanceof F32)) {
            throw new IllegalArgumentException("format " + cfg.format() + ": running a network in int8 or fixed point"
                    + " needs a quantized model (systole quantize); this model is float32");
        }
        backends = Devices.select(device, cfg);
        return this;
    }

    /** The plan for a batch, written as DOT when asked. */
    Plan plan(int batch) throws IOException {
        Plan p = new Partitioner(List.copyOf(backends)).plan(net, batch, cfg.elementBytes(), Placement.parse(place));
        if (dot != null) {
            AtomicFiles.writeString(dot, p.dot());
        }
        return p;
    }

    Runtime runtime() {
        return new Runtime(backends);
    }

    Backend backend(String id) {
        return backends.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    /** A seeded uniform [0, 1) batch of the network's input shape. */
    static Tensor randomInput(Network net, int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("the batch size must be positive, got " + n);
        }
        float[] x = new float[Math.toIntExact(n * net.inputShape().size())];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        return Tensor.of(x, net.inputShape().batched(n));
    }

    @Override
    public void close() {
        if (backends != null) {
            backends.forEach(Backend::close);
        }
    }
}
