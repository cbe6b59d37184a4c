package io.systole.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.systole.backend.Backend;
import io.systole.backend.Stage;
import io.systole.backend.jvm.JvmBackend;
import io.systole.backend.opencl.OpenCl;
import io.systole.backend.opencl.OpenClBackend;
import io.systole.model.Accounting;
import io.systole.model.Conv2d;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.onnx.OnnxExport;
import io.systole.sim.ArrayConfig;
import io.systole.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The backends against ONNX Runtime's CPU provider on the identical convolutions, in one run:
 * every convolution of LeNet-5 (batch 1 and 64) and AlexNet (batch 1), float32. For each layer:
 * best-of-N wall time of the JVM backend, the OpenCL backend (kernel time from events, and wall
 * time with transfers) and ONNX Runtime; GFLOP/s (2 per MAC) and ratios to ONNX Runtime; and
 * whether the JVM and OpenCL outputs are bit-identical (both compute in the array's order).
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexec.mainClass=io.systole.bench.Bench
 * -Dexec.classpathScope=test} (arguments: timed repetitions after a one-second warm-up, default 10).
 */
public final class Bench {
    private Bench() {
    }

    record Case(String network, Network net, Network.Node node, int batch) {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ArrayConfig cfg = ArrayConfig.preset("16x16-ws");
        List<Case> cases = new ArrayList<>();
        for (int batch : new int[] {1, 64}) {
            cases.addAll(convolutions("lenet5-fashion", batch));
        }
        cases.addAll(convolutions("alexnet", 1));
        JvmBackend jvm = JvmBackend.host(cfg);
        var cl = OpenCl.discover();
        Backend opencl = cl.isAvailable() ? new OpenClBackend(cl.devices().getFirst(), cfg, null) : null;
        System.out.println("array order " + cfg.name() + "; OpenCL: " + (opencl == null ? cl.reason()
                : opencl.description() + ", launch overhead " + String.format(Locale.ROOT, "%.1f us",
                        opencl.launchSeconds() * 1e6)));
        System.out.printf(Locale.ROOT, "%-16s %5s %10s %10s %10s %10s %8s %8s %s%n", "layer", "batch", "ORT GF/s",
                "JVM GF/s", "CL kern", "CL wall", "JVM/ORT", "CL/ORT", "JVM==CL");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (Case c : cases) {
            Network one = Network.builder(c.net.name() + "-" + c.node.name(), c.net.shapeOf(c.node.inputs().getFirst()))
                    .add(c.node.layer()).build();
            Stage stage = Stage.of(one, one.nodes());
            Tensor x = random(one, c.batch);
            double flop = 2.0 * Accounting.macs(one, one.nodes().getFirst()) * c.batch;
            String name = one.nodes().getFirst().name();

            double ort;
            try (OrtSession s = env.createSession(OnnxExport.toProto(one).toByteArray(), new OrtSession.SessionOptions());
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.floats()), toLong(x.shape()))) {
                String input = s.getInputNames().iterator().next();
                ort = best(reps, () -> s.run(Map.of(input, in)).close());
            }
            Tensor[] jvmOut = new Tensor[1];
            double jvmWall = best(reps, () -> jvmOut[0] = jvm.run(stage, x, Set.of(name)).outputs().get(name));
            String kern = "-";
            String clWall = "-";
            String clRatio = "-";
            String same = "-";
            if (opencl != null) {
                Tensor[] clOut = new Tensor[1];
                double[] kernel = {Double.MAX_VALUE};
                double wall = best(reps, () -> {
                    Backend.StageResult r = opencl.run(stage, x, Set.of(name));
                    clOut[0] = r.outputs().get(name);
                    kernel[0] = Math.min(kernel[0], r.timings().getFirst().kernelSeconds());
                });
                kern = gf(flop / kernel[0]);
                clWall = gf(flop / wall);
                clRatio = String.format(Locale.ROOT, "%.3f", ort / wall);
                same = Boolean.toString(jvmOut[0].equals(clOut[0]));
            }
            System.out.printf(Locale.ROOT, "%-16s %5d %10s %10s %10s %10s %8.3f %8s %s%n", c.network + "/" + name,
                    c.batch, gf(flop / ort), gf(flop / jvmWall), kern, clWall, ort / jvmWall, clRatio, same);
        }
        if (opencl != null) {
            opencl.close();
        }
    }

    static List<Case> convolutions(String model, int batch) {
        Network net = Zoo.get(model);
        return net.nodes().stream().filter(n -> n.layer() instanceof Conv2d).map(n -> new Case(model, net, n, batch))
                .toList();
    }

    static Tensor random(Network net, int n) {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[Math.toIntExact(n * net.inputShape().size())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return Tensor.of(x, net.inputShape().batched(n));
    }

    static long[] toLong(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i];
        }
        return l;
    }

    static String gf(double flopsPerSecond) {
        return String.format(Locale.ROOT, "%.2f", flopsPerSecond / 1e9);
    }

    /** Warm-up time of every contender on every layer, in seconds. */
    static final double WARM_UP_SECONDS = 1.0;

    interface Step {
        void run() throws Exception;
    }

    /**
     * Best wall time of {@code reps} runs, in seconds, after a warm-up of at least 2 runs and
     * {@value #WARM_UP_SECONDS} s, so that every contender is timed compiled and with its memory
     * touched (a JIT-compiled kernel reaches its speed after some tens of calls).
     */
    static double best(int reps, Step s) throws Exception {
        long until = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
        for (int i = 0; i < 2 || System.nanoTime() < until; i++) {
            s.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            s.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e9;
    }
}
