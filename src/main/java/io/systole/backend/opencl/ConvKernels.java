package io.systole.backend.opencl;

import io.systole.arith.F32;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The program holding the packing, convolution and pooling kernels of one number format family
 * on one context: built from the sources {@code accelerators/opencl/systole_arith.cl},
 * {@code systole_format.cl}, {@code systole_conv.cl} and {@code systole_pool.cl} (joined in that
 * order) with {@code -DSYSTOLE_F32}, {@code -DSYSTOLE_INT8} or {@code -DSYSTOLE_FIXED}, or
 * loaded from a binary saved earlier ({@link #saveBinary}, {@code systole compile-kernels}).
 * Every detail of a format (accumulator width, rounding and overflow modes, requantization) is a
 * kernel argument, so one program serves every format of its family. Kernel names end in the
 * family ({@code conv_ws_int8}), so a binary says what it was built for.
 */
public final class ConvKernels {
  /** The kernel files, in the order they are joined. */
  static final List<String> SOURCES =
      List.of("systole_arith", "systole_format", "systole_conv", "systole_pool");

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

    /** The file name {@code systole compile-kernels} gives the family's binary. */
    public String binaryFileName() {
      return "systole-" + key() + ".bin";
    }
  }

  private final ClProgram program;
  private final Family family;

  private ConvKernels(ClProgram program, Family family) {
    this.program = program;
    this.family = family;
  }

  /** The joined kernel source (every family; the build options choose one). */
  public static String source() {
    return SOURCES.stream().map(ClProgram::loadSource).collect(Collectors.joining("\n"));
  }

  /** Builds (or takes from the context's caches) the program of {@code family}. */
  public static ConvKernels build(ClContext context, Family family) {
    ClProgram program =
        context.program("systole kernels (" + family.key() + ")", source(), family.options());
    return new ConvKernels(program, family);
  }

  /**
   * The program in a binary that {@link #saveBinary} or {@code systole compile-kernels} wrote
   * (or an FPGA compiler produced from the same sources) for {@code family}.
   *
   * @throws IllegalArgumentException when the binary holds no kernels of {@code family}
   * @throws ClException naming the file when the device rejects it
   */
  public static ConvKernels fromBinary(ClContext context, Family family, Path file) {
    ConvKernels kernels = new ConvKernels(context.programFromBinary(file), family);
    try (ClKernel probe = kernels.kernel("conv_ws")) {
      return kernels;
    } catch (ClException e) {
      throw new IllegalArgumentException(
          "OpenCL binary " + file + " holds no systole " + family.key() + " kernels ("
              + e.codeName() + "): build it with `systole compile-kernels` for this device",
          e);
    }
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

  public ClContext context() {
    return program.context();
  }

  /** A new kernel object for {@code base} ({@code pack}, {@code conv_ws}, ...) of this family. */
  public ClKernel kernel(String base) {
    return program.createKernel(base + "_" + family.key());
  }
}
