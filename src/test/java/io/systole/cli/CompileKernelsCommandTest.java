package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.NumberFormat;
import io.systole.backend.opencl.ClContext;
import io.systole.backend.opencl.ClOp;
import io.systole.backend.opencl.ClProgram;
import io.systole.backend.opencl.ConvKernels;
import io.systole.backend.opencl.OpenClLayerRunner;
import io.systole.backend.opencl.OpenClTestSupport;
import io.systole.backend.opencl.ProgramCache;
import io.systole.model.Window;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.FastEngine;
import io.systole.sim.ImplicitGemm;
import io.systole.sim.Operands;
import io.systole.tensor.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Binaries built and saved by the command, then loaded into a fresh context and run. */
class CompileKernelsCommandTest {
    @TempDir
    Path dir;

    private static final ImplicitGemm LAYER =
            new ImplicitGemm("conv", 2, 5, 9, 9, 7, 1, new Window(3, 3, 2, 2, 1, 1, 1, 1));

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new CompileKernelsCommand());
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute(args), out.toString());
        return out.toString();
    }

    /** The layer with seeded operands: f32 weights, or int8 or fixed with zero-free inputs. */
    private static Tensor[] layerRun(ConvKernels kernels, ArrayConfig cfg) {
        SplittableRandom random = new SplittableRandom(1);
        Operands operands = switch (cfg.format()) {
            case io.systole.arith.F32 f -> new Operands.F32Layer(floats(random, 315), null);
            case io.systole.arith.Int8Format f -> new Operands.Int8Layer(bytes(random, 315), null, 3, -2,
                    null, new float[] {0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f, 0.07f}, true);
            case io.systole.arith.FixedFormat f -> new Operands.FixedLayer(
                    random.ints(315, -100, 100).toArray(), null, false);
        };
        ArrayLayer layer = new ArrayLayer(LAYER, operands);
        int n = (int) LAYER.inputElements();
        Tensor x = switch (cfg.format()) {
            case io.systole.arith.F32 f -> Tensor.of(floats(random, n), 2, 5, 9, 9);
            case io.systole.arith.Int8Format f -> Tensor.of(bytes(random, n), 2, 5, 9, 9);
            case io.systole.arith.FixedFormat f -> Tensor.of(random.ints(n, -100, 100).toArray(), 2, 5, 9, 9);
        };
        try (OpenClLayerRunner runner =
                OpenClLayerRunner.create(kernels, cfg, List.of(new ClOp.Gemm("conv", layer, false, null)))) {
            return new Tensor[] {new FastEngine().run(layer, x, cfg).output(), runner.run(x)};
        }
    }

    private static float[] floats(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] v = new byte[n];
        random.nextBytes(v);
        return v;
    }

    private static void assertSame(Tensor[] wantGot, String what) {
        Tensor want = wantGot[0];
        Tensor got = wantGot[1];
        boolean same = switch (want.dtype()) {
            case F32 -> Arrays.equals(want.floats(), got.floats());
            case I8 -> Arrays.equals(want.bytes(), got.bytes());
            case I32 -> Arrays.equals(want.ints(), got.ints());
        };
        assertTrue(same, what + " differs from the simulator");
    }

    @Test
    void savedBinariesLoadAndRunInAFreshContext() throws Exception {
        Path out = dir.resolve("kernels");
        String text = run("--device", OpenClTestSupport.device().id(), "--out", out.toString(),
                "--fpga-array", "4x4", "--line", "64");
        assertTrue(text.contains("systole-f32.bin") && text.contains("systole-fpga-4x4-fixed.bin"), text);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("systole-f32.bin", "systole-fixed.bin", "systole-fpga-4x4-f32.bin",
                    "systole-fpga-4x4-fixed.bin", "systole-fpga-4x4-int8.bin", "systole-int8.bin"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "the binaries, no temporary files");
        }
        try (ClContext fresh = ClContext.create(OpenClTestSupport.device(), ProgramCache.disabled())) {
            for (String format : List.of("f32", "int8<24,SATURATE,FLOAT_SCALE>", "fixed<12,4,RND,SAT>")) {
                ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(NumberFormat.parse(format)).withSize(4, 4);
                ConvKernels.Family family = ConvKernels.Family.of(cfg.format());
                ConvKernels kernels = ConvKernels.fromBinary(fresh, family,
                        out.resolve("systole-" + family.key() + ".bin"));
                assertEquals(ClProgram.Origin.BINARY_FILE, kernels.program().origin());
                assertSame(layerRun(kernels, cfg), format + " from its binary");
                ConvKernels fpga = ConvKernels.fromFpgaBinary(fresh, family, new ConvKernels.FpgaArray(4, 4, 64),
                        out.resolve("systole-fpga-4x4-" + family.key() + ".bin"));
                assertSame(layerRun(fpga, cfg), format + " from its FPGA binary");
            }
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> ConvKernels.fromBinary(fresh, ConvKernels.Family.INT8, out.resolve("systole-f32.bin")));
            assertTrue(wrong.getMessage().contains("int8 kernels"), wrong.getMessage());
        }
    }

    @Test
    void badArgumentsAreNamed() {
        CompileKernelsCommand command = new CompileKernelsCommand();
        new CommandLine(command).parseArgs("--device", "opencl:99", "--out", dir.toString());
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class, command::call);
        assertTrue(device.getMessage().contains("opencl:99"), device.getMessage());
        IllegalArgumentException array = assertThrows(IllegalArgumentException.class,
                () -> CompileKernelsCommand.parseArray("16by16", 64));
        assertTrue(array.getMessage().contains("RxC"), array.getMessage());
    }
}
