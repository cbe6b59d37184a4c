package io.systole.backend.opencl;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * A program built for its context's device, from OpenCL C source or from a device binary. A
 * program belongs to the {@link ClContext} that built it and is released when that context
 * closes; get one through {@link ClContext#program(String, String)}, {@link
 * ClContext#programResource(String)} or {@link ClContext#programFromBinary(Path)}.
 */
public final class ClProgram {
  /**
   * Build options used unless others are given: OpenCL C 1.2 and nothing that lets the compiler
   * change float results. Options for bit-exact float kernels must never add {@code
   * -cl-mad-enable}, {@code -cl-unsafe-math-optimizations} or {@code -cl-fast-relaxed-math};
   * the kernels themselves start with {@code #pragma OPENCL FP_CONTRACT OFF} (OpenCL C allows
   * contraction by default) and write each fused multiply-add as {@code fma(a, b, c)}.
   */
  public static final String DEFAULT_OPTIONS = "-cl-std=CL1.2";

  /** Where a program's executable came from. */
  public enum Origin {
    /** Compiled from source in this process. */
    SOURCE,
    /** Loaded from the binary that {@link ProgramCache} kept from an earlier build. */
    DISK_CACHE,
    /** Loaded from a binary file the caller named. */
    BINARY_FILE
  }

  private final ClContext context;
  private final cl_program handle;
  private final String label;
  private final String options;
  private final Origin origin;
  private final String buildLog;

  private ClProgram(
      ClContext context, cl_program handle, String label, String options, Origin origin) {
    this.context = context;
    this.handle = handle;
    this.label = label;
    this.options = options;
    this.origin = origin;
    this.buildLog = build(context, handle, label, options);
  }

  /** Compiles {@code source}; {@code label} names it in error messages. */
  static ClProgram fromSource(ClContext context, String label, String source, String options) {
    int[] error = new int[1];
    cl_program handle =
        CL.clCreateProgramWithSource(
            context.handle(), 1, new String[] {source}, null, error);
    ClErrors.check(error[0], "clCreateProgramWithSource", label);
    return new ClProgram(context, handle, label, options, Origin.SOURCE);
  }

  /** Loads a device binary; {@code label} (the file, for a binary file) names it in errors. */
  static ClProgram fromBinary(
      ClContext context, String label, byte[] binary, String options, Origin origin) {
    int[] status = new int[1];
    int[] error = new int[1];
    cl_program handle =
        CL.clCreateProgramWithBinary(
            context.handle(),
            1,
            new cl_device_id[] {context.device().handle()},
            new long[] {binary.length},
            new byte[][] {binary},
            status,
            error);
    ClErrors.check(
        error[0],
        "clCreateProgramWithBinary",
        label + " is not a program binary for " + context.device().name());
    return new ClProgram(context, handle, label, options, origin);
  }

  /** Builds, returning the log; on failure releases the program and throws with the log. */
  private static String build(ClContext context, cl_program handle, String label, String options) {
    cl_device_id device = context.device().handle();
    int code = CL.clBuildProgram(handle, 1, new cl_device_id[] {device}, options, null, null);
    String log = buildLog(handle, device);
    if (code != CL.CL_SUCCESS) {
      CL.clReleaseProgram(handle);
      ClErrors.check(
          code,
          "clBuildProgram",
          label + " with options '" + options + "' on " + context.device().name()
              + ", build log:\n" + log);
    }
    return log;
  }

  private static String buildLog(cl_program handle, cl_device_id device) {
    long[] size = new long[1];
    int code = CL.clGetProgramBuildInfo(handle, device, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
    ClErrors.check(code, "clGetProgramBuildInfo");
    byte[] bytes = new byte[(int) size[0]];
    ClErrors.check(
        CL.clGetProgramBuildInfo(
            handle, device, CL.CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null),
        "clGetProgramBuildInfo");
    return ClPlatform.cString(bytes);
  }

  /**
   * The OpenCL C source in the class-path resource {@code accelerators/opencl/NAME.cl}.
   *
   * @throws IllegalArgumentException when there is no such resource
   */
  public static String loadSource(String name) {
    return loadSource("opencl", name);
  }

  /**
   * The OpenCL C source in the class-path resource {@code accelerators/FOLDER/NAME.cl}, e.g. the
   * FPGA-flavoured kernels in {@code accelerators/fpga/}.
   *
   * @throws IllegalArgumentException when there is no such resource
   */
  public static String loadSource(String folder, String name) {
    String path = "accelerators/" + folder + "/" + name + ".cl";
    try (InputStream in = ClProgram.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no OpenCL kernel source " + path + " on the class path");
      }
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e, e);
    }
  }

  /** A new kernel object for the {@code __kernel} function {@code name}; the caller closes it. */
  public ClKernel createKernel(String name) {
    return new ClKernel(this, name);
  }

  /** The device binary of this program, as {@code clGetProgramInfo} gives it. */
  public byte[] binary() {
    long[] size = new long[1];
    ClErrors.check(
        CL.clGetProgramInfo(
            handle, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null),
        "clGetProgramInfo",
        "binary size of " + label);
    byte[] binary = new byte[(int) size[0]];
    ClErrors.check(
        CL.clGetProgramInfo(
            handle,
            CL.CL_PROGRAM_BINARIES,
            Sizeof.POINTER,
            Pointer.to(new Pointer[] {Pointer.to(binary)}),
            null),
        "clGetProgramInfo",
        "binary of " + label);
    return binary;
  }

  /**
   * Writes {@link #binary()} to {@code file} (through a temporary file and a rename, so the file
   * is either whole or absent), for {@link ClContext#programFromBinary(Path)} to load later.
   */
  public void saveBinary(Path file) {
    try {
      ProgramCache.writeAtomically(file, binary());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write OpenCL binary " + file + ": " + e, e);
    }
  }

  public ClContext context() {
    return context;
  }

  /** What the program is called in messages: a resource name, a file, or a source hash. */
  public String label() {
    return label;
  }

  /** The build options it was built with. */
  public String options() {
    return options;
  }

  public Origin origin() {
    return origin;
  }

  /** The compiler's log from building this program; often empty when the build succeeded. */
  public String buildLog() {
    return buildLog;
  }

  cl_program handle() {
    return handle;
  }

  /** Called by the owning context when it closes. */
  void release() {
    ClErrors.check(CL.clReleaseProgram(handle), "clReleaseProgram");
  }

  @Override
  public String toString() {
    return label + " [" + options + ", " + origin + "]";
  }
}
