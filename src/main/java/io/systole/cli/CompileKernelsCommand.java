package io.systole.cli;

import io.systole.backend.opencl.Availability;
import io.systole.backend.opencl.ClContext;
import io.systole.backend.opencl.ClDevice;
import io.systole.backend.opencl.ConvKernels;
import io.systole.backend.opencl.OpenCl;
import io.systole.backend.opencl.ProgramCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code systole compile-kernels --device N --out DIR}: builds every kernel program for one
 * OpenCL device and saves each device binary into DIR, for runs that load binaries instead of
 * compiling (the path an FPGA takes). One file per number format family, {@code
 * systole-f32.bin}, {@code systole-int8.bin}, {@code systole-fixed.bin}; with {@code
 * --fpga-array RxC} also the FPGA-flavoured programs for that array, {@code
 * systole-fpga-RxC-FAMILY.bin}. Each file is written to a temporary name and renamed, so it is
 * whole or absent.
 */
@Command(name = "compile-kernels", mixinStandardHelpOptions = true,
        description = "Build the OpenCL kernel programs for a device and save their binaries.")
public final class CompileKernelsCommand implements Callable<Integer> {
    private static final Pattern ARRAY = Pattern.compile("(\\d+)x(\\d+)");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--device", required = true, paramLabel = "N",
            description = "The OpenCL device, as `systole devices` numbers it (N or opencl:N).")
    String device;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for the binaries (created if missing).")
    Path out;

    @Option(names = "--fpga-array", paramLabel = "RxC",
            description = "Also build the FPGA-flavoured kernels for an R x C weight-stationary array.")
    String fpgaArray;

    @Option(names = "--line", paramLabel = "ELEMENTS", defaultValue = "" + ConvKernels.FpgaArray.DEFAULT_LINE,
            description = "Line buffer of the FPGA pooling kernel, in elements (default ${DEFAULT-VALUE}).")
    int line;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        Availability availability = OpenCl.discover();
        ClDevice d = availability.device(device);
        ConvKernels.FpgaArray array = fpgaArray == null ? null : parseArray(fpgaArray, line);
        Files.createDirectories(out);
        o.println("compiling systole kernels for " + d);
        o.flush();
        try (ClContext context = ClContext.create(d, ProgramCache.disabled())) {
            for (ConvKernels.Family family : ConvKernels.Family.values()) {
                List<Build> builds = new ArrayList<>();
                builds.add(() -> ConvKernels.build(context, family));
                if (array != null) {
                    builds.add(() -> ConvKernels.buildFpga(context, family, array));
                }
                for (Build build : builds) {
                    long start = System.nanoTime();
                    ConvKernels kernels = build.build();
                    Path file = out.resolve(kernels.binaryFileName());
                    kernels.saveBinary(file);
                    o.printf(Locale.ROOT, "  %-32s %,12d bytes  %6.1f s%n", file.getFileName(), Files.size(file),
                            (System.nanoTime() - start) / 1e9);
                    o.flush();
                }
            }
        }
        o.println("binaries in " + out);
        o.flush();
        return 0;
    }

    /** One program to build. */
    private interface Build {
        ConvKernels build();
    }

    /** {@code RxC}, e.g. {@code 16x16}. */
    static ConvKernels.FpgaArray parseArray(String text, int line) {
        Matcher m = ARRAY.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad --fpga-array \"" + text + "\": expected RxC, e.g. 16x16");
        }
        return new ConvKernels.FpgaArray(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), line);
    }
}
