package io.systole.backend.opencl;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The program holding the kernels of one number format family on one context, in one of two
 * flavours:
 *
 * <ul>
 *   <li>NDRange kernels for GPUs and CPUs: {@code accelerators/opencl/systole_arith.cl}, {@code
 *       systole_format.cl}, {@code systole_conv.cl} and {@code systole_pool.cl}, joined in that
 *       order (packing, {@code conv_ws}, {@code conv_os}, {@code conv_fused}, {@code pool});
 *   <li>FPGA kernels for one array ({@link FpgaArray}): the same arith and format files, then
 *       {@code accelerators/fpga/systole_fpga.cl} (single work-item {@code conv_array} and
 *       {@code pool_line}).
 * </ul>
 *
 * Built with {@code -DSYSTOLE_F32}, {@code -DSYSTOLE_INT8} or {@code -DSYSTOLE_FIXED}, or loaded
 * from a binary saved earlier ({@link #saveBinary}, {@code systole compile-kernels}; for an FPGA,
 * the offline compiler's {@code .aocx} or {@code .xclbin} of the same sources and options). Every
 * detail of a format (accumulator width, rounding and overflow modes, requantization) is a kernel
 * argument, so one program serves every format of its family. Kernel names end in the family
 * ({@code conv_ws_int8}), so a binary says what it was built for.
 */
public final class ConvKernels {
  /** The NDRange kernel files, in the order they are joined. */
  static final List<String> SOURCES =
      List.of("systole_arith", "systole_format", "systole_conv", "systole_pool");

  /** The FPGA kernel file, joined after the arith and format files. */
  static final String FPGA_SOURCE = "systole_fpga";

  /** A family of number formats; one program per family. */
  public enum Family {
    F32,
    INT8,
    FIXED;

    /** The family of a format. */
    public static Family of(NumberFormat format) {
      return switch (format) {
        case F32 f -> F32;
        case Int8Format f -> INT8;
        case FixedFormat f -> FIXED;
      };
    }

    /** {@code f32}, {@code int8} or {@code fixed}: the suffix of its kernel names. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The build options that select this family and the tile sizes of {@link DeviceLayout}. */
    public String options() {
      return ClProgram.DEFAULT_OPTIONS + " -DSYSTOLE_" + name() + DeviceLayout.tileOptions();
    }
  }

  /**
   * The array the FPGA kernels are built for: {@code rows x cols} PEs, unrolled, and a pooling
   * line buffer of {@code line} elements.
   *
   * @param rows R, PE rows: the fold length
   * @param cols C, PE columns: output channels per tile
   * @param line elements of the pooling line buffer: (kH - 1) * paddedW + kW of any pooling
   */
  public record FpgaArray(int rows, int cols, int line) {
    /** The line buffer used unless another is given. */
    public static final int DEFAULT_LINE = 1024;

    public FpgaArray {
      if (rows < 1 || cols < 1 || line < 1) {
        throw new IllegalArgumentException(
            "FPGA array " + rows + "x" + cols + " with a line buffer of " + line
                + ": expected positive sizes");
      }
    }

    /** {@code RxC} with the default line buffer. */
    public FpgaArray(int rows, int cols) {
      this(rows, cols, DEFAULT_LINE);
    }

    /** The build options that give the FPGA kernels this array, after the family's options. */
    public String options() {
      return " -DROWS=" + rows + " -DCOLS=" + cols + " -DLINE=" + line;
    }

    @Override
    public String toString() {
      return rows + "x" + cols;
    }
  }

  private final ClProgram program;
  private final Family family;
  private final FpgaArray fpga;

  private ConvKernels(ClProgram program, Family family, FpgaArray fpga) {
    this.program = program;
    this.family = family;
    this.fpga = fpga;
  }

  /** The joined NDRange kernel source (every family; the build options choose one). */
  public static String source() {
    return SOURCES.stream().map(ClProgram::loadSource).collect(Collectors.joining("\n"));
  }

  /** The joined FPGA kernel source (every family and array; the build options choose). */
  public static String fpgaSource() {
    return String.join(
        "\n",
        ClProgram.loadSource(SOURCES.get(0)),
        ClProgram.loadSource(SOURCES.get(1)),
        ClProgram.loadSource("fpga", FPGA_SOURCE));
  }

  /** The NDRange program of {@code family}, built or taken from the context's caches. */
  public static ConvKernels build(ClContext context, Family family) {
    String label = "systole kernels (" + family.key() + ")";
    return new ConvKernels(context.program(label, source(), family.options()), family, null);
  }

  /** The FPGA program of {@code family} for {@code array}, built or from the caches. */
  public static ConvKernels buildFpga(ClContext context, Family family, FpgaArray array) {
    String label = "systole FPGA kernels (" + family.key() + ", " + array + ")";
    return new ConvKernels(
        context.program(label, fpgaSource(), family.options() + array.options()), family, array);
  }

  /**
   * The NDRange program in a binary that {@link #saveBinary} or {@code systole compile-kernels}
   * wrote for {@code family}.
   *
   * @throws IllegalArgumentException when the binary holds no kernels of {@code family}
   * @throws ClException naming the file when the device rejects it
   */
  public static ConvKernels fromBinary(ClContext context, Family family, Path file) {
    return probed(new ConvKernels(context.programFromBinary(file), family, null), file);
  }

  /**
   * The FPGA program for {@code array} in a binary: one {@link #saveBinary} wrote, or an FPGA
   * compiler's {@code .aocx}/{@code .xclbin} built from {@link #fpgaSource()} with the options
   * of the family and the array.
   *
   * @throws IllegalArgumentException when the binary holds no FPGA kernels of {@code family}
   * @throws ClException naming the file when the device rejects it
   */
  public static ConvKernels fromFpgaBinary(
      ClContext context, Family family, FpgaArray array, Path file) {
    return probed(new ConvKernels(context.programFromBinary(file), family, array), file);
  }

  private static ConvKernels probed(ConvKernels kernels, Path file) {
    try (ClKernel probe = kernels.kernel(kernels.fpga == null ? "conv_ws" : "conv_array")) {
      return kernels;
    } catch (ClException e) {
      throw new IllegalArgumentException(
          "OpenCL binary " + file + " holds no systole " + kernels.describe() + " ("
              + e.codeName() + "): build it with `systole compile-kernels` for this device",
          e);
    }
  }

  /** The name {@code systole compile-kernels} gives this program's binary. */
  public String binaryFileName() {
    return fpga == null
        ? "systole-" + family.key() + ".bin"
        : "systole-fpga-" + fpga + "-" + family.key() + ".bin";
  }

  /** Writes the program's device binary to {@code file} (whole or not at all). */
  public void saveBinary(Path file) {
    program.saveBinary(file);
  }

  public ClProgram program() {
    return program;
  }

  public Family family() {
    return family;
  }

  /** The array of the FPGA kernels; empty for the NDRange kernels. */
  public Optional<FpgaArray> fpga() {
    return Optional.ofNullable(fpga);
  }

  public ClContext context() {
    return program.context();
  }

  /** A new kernel object for {@code base} ({@code pack}, {@code conv_ws}, ...) of this family. */
  public ClKernel kernel(String base) {
    return program.createKernel(base + "_" + family.key());
  }

  /** {@code f32 kernels} or {@code f32 FPGA kernels for 8x8}, for messages. */
  String describe() {
    return family.key() + (fpga == null ? " kernels" : " FPGA kernels for " + fpga);
  }
}
