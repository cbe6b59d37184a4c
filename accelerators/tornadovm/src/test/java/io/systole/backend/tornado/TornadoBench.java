package io.systole.backend.tornado;

import io.systole.backend.Backend;
import io.systole.backend.Stage;
import io.systole.backend.opencl.OpenCl;
import io.systole.backend.opencl.OpenClBackend;
import io.systole.model.Accounting;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The TornadoVM convolution against the OpenCL backend's, each layer alone as a stage: LeNet-5's
 * convolutions (batch 1 and 64) and AlexNet's first two (batch 1). Prints the best of the
 * repetitions as GFLOP/s (2 per MAC) of kernel time (every kernel of the stage, packing included)
 * and of wall time (transfers and the runtime's own work included), and whether both outputs are
 * bit-identical. When both backends sit on the same OpenCL device the comparison is kernel
 * against kernel.
 *
 * <p>Run with TornadoVM's JVM arguments and the test class path (arguments: repetitions,
 * default 5); see the README.
 */
public final class TornadoBench {
    private TornadoBench() {
    }

    private record Case(Network net, Network.Node node, int batch) {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ArrayConfig cfg = ArrayConfig.preset("16x16-ws");
        TornadoVm vm = TornadoVm.discover();
        if (!vm.isAvailable()) {
            System.out.println("TornadoVM: " + vm.reason());
            return;
        }
        var cl = OpenCl.discover();
        try (TornadoBackend tornado = new TornadoBackend(vm, 0, cfg);
                Backend opencl = cl.isAvailable() ? new OpenClBackend(cl.devices().getFirst(), cfg, null) : null) {
            System.out.println("array order " + cfg.name() + "; TornadoVM: " + tornado.description() + "; OpenCL: "
                    + (opencl == null ? cl.reason() : opencl.description()));
            System.out.printf(Locale.ROOT, "%-18s %5s %10s %10s %10s %10s %s%n", "layer", "batch", "TVM kern",
                    "TVM wall", "CL kern", "CL wall", "TVM==CL");
            List<Case> cases = Stream.concat(
                    Stream.of(1, 64).flatMap(b -> convolutions("lenet5", b)), convolutions("alexnet", 1).limit(2))
                    .toList();
            for (Case c : cases) {
                Network net = c.net();
                Network.Node node = c.node();
                int batch = c.batch();
                Network one = Network.builder(net.name() + "-" + node.name(), net.shapeOf(node.inputs().getFirst()))
                        .add(node.layer()).build();
                Stage stage = Stage.of(one, one.nodes());
                Tensor x = random(one, batch);
                double flop = 2.0 * Accounting.macs(one, one.nodes().getFirst()) * batch;
                String name = node.name();
                double[] tvm = time(tornado, stage, x, name, reps);
                Tensor tvmOut = tornado.run(stage, x, Set.of(name)).outputs().get(name);
                String clKern = "-";
                String clWall = "-";
                String same = "-";
                if (opencl != null) {
                    double[] t = time(opencl, stage, x, name, reps);
                    clKern = gf(flop / t[0]);
                    clWall = gf(flop / t[1]);
                    same = Boolean.toString(tvmOut.equals(opencl.run(stage, x, Set.of(name)).outputs().get(name)));
                }
                System.out.printf(Locale.ROOT, "%-18s %5d %10s %10s %10s %10s %s%n", net.name() + "/" + name, batch,
                        gf(flop / tvm[0]), gf(flop / tvm[1]), clKern, clWall, same);
            }
        }
    }

    /** {best kernel seconds, best wall seconds} after one warm-up run (which compiles). */
    private static double[] time(Backend b, Stage stage, Tensor x, String name, int reps) {
        b.run(stage, x, Set.of(name));
        double kernel = Double.MAX_VALUE;
        double wall = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Backend.StageResult r = b.run(stage, x, Set.of(name));
            wall = Math.min(wall, (System.nanoTime() - t0) / 1e9);
            kernel = Math.min(kernel, r.timings().getFirst().kernelSeconds());
        }
        return new double[] {kernel, wall};
    }

    private static Stream<Case> convolutions(String model, int batch) {
        Network net = Zoo.get(model);
        return net.nodes().stream().filter(n -> n.layer() instanceof Conv2d).map(n -> new Case(net, n, batch));
    }

    private static Tensor random(Network net, int n) {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[Math.toIntExact(n * net.inputShape().size())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return Tensor.of(x, net.inputShape().batched(n));
    }

    private static String gf(double flopsPerSecond) {
        return String.format(Locale.ROOT, "%.2f", flopsPerSecond / 1e9);
    }
}
