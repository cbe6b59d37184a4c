package io.systole.backend.opencl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;

/**
 * An OpenCL context on one device. It owns the programs built in it: each (source, options) pair
 * and each binary is built once and released when the context closes. Queues, buffers and
 * kernels it creates belong to the caller, who closes them before the context.
 */
public final class ClContext implements AutoCloseable {
  private final ClDevice device;
  private final cl_context handle;
  private final ProgramCache cache;
  private final Map<String, ClProgram> programs = new HashMap<>();
  private boolean closed;

  private ClContext(ClDevice device, cl_context handle, ProgramCache cache) {
    this.device = device;
    this.handle = handle;
    this.cache = cache;
  }

  /** A context whose programs go through {@link ProgramCache#standard()}. */
  public static ClContext create(ClDevice device) {
    return create(device, ProgramCache.standard());
  }

  /** A context whose programs go through {@code cache}. */
  public static ClContext create(ClDevice device, ProgramCache cache) {
    cl_context_properties properties = new cl_context_properties();
    properties.addProperty(CL.CL_CONTEXT_PLATFORM, device.platform().handle());
    int[] error = new int[1];
    cl_context handle =
        CL.clCreateContext(
            properties, 1, new cl_device_id[] {device.handle()}, null, null, error);
    ClErrors.check(error[0], "clCreateContext", device.toString());
    return new ClContext(device, handle, cache);
  }

  public ClDevice device() {
    return device;
  }

  /** A new in-order command queue, with profiling when the device supports it. */
  public ClQueue createQueue() {
    return new ClQueue(this);
  }

  /** A new read-write device buffer of {@code bytes} bytes. */
  public ClBuffer createBuffer(long bytes) {
    return new ClBuffer(this, bytes);
  }

  /** {@link #program(String, String)} with {@link ClProgram#DEFAULT_OPTIONS}. */
  public ClProgram program(String source) {
    return program(source, ClProgram.DEFAULT_OPTIONS);
  }

  /**
   * The program for {@code source} built with {@code options}: from this context's programs if
   * it was built here before, else from the disk cache, else compiled (and then cached).
   *
   * @throws ClException when the build fails; the message holds the compiler's log
   */
  public ClProgram program(String source, String options) {
    return program("source " + ProgramCache.sha256(source).substring(0, 12), source, options);
  }

  /**
   * The program in the class-path resource {@code accelerators/opencl/NAME.cl}, built with
   * {@link ClProgram#DEFAULT_OPTIONS}.
   */
  public ClProgram programResource(String name) {
    return program(name + ".cl", ClProgram.loadSource(name), ClProgram.DEFAULT_OPTIONS);
  }

  /**
   * The program in a device binary file (a saved binary, or an FPGA's offline-compiled {@code
   * .aocx}/{@code .xclbin}), built once per file content.
   *
   * @throws ClException naming the file when the device rejects the binary
   * @throws UncheckedIOException naming the file when it cannot be read
   */
  public synchronized ClProgram programFromBinary(Path file) {
    byte[] binary;
    try {
      binary = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read OpenCL binary " + file + ": " + e, e);
    }
    String key = "binary " + ProgramCache.sha256(binary);
    ClProgram program = programs.get(key);
    if (program == null) {
      program =
          ClProgram.fromBinary(this, file.toString(), binary, "", ClProgram.Origin.BINARY_FILE);
      programs.put(key, program);
    }
    return program;
  }

  /**
   * As {@link #program(String, String)}, with {@code label} naming the program in messages (for
   * a source put together from several kernel files).
   */
  public synchronized ClProgram program(String label, String source, String options) {
    String key = ProgramCache.key(source, options, device);
    ClProgram program = programs.get(key);
    if (program == null) {
      program = build(key, label, source, options);
      programs.put(key, program);
    }
    return program;
  }

  /** Loads the cached binary when there is a good one, else compiles and caches the result. */
  private ClProgram build(String key, String label, String source, String options) {
    Optional<byte[]> cached = cache.read(key);
    if (cached.isPresent()) {
      try {
        return ClProgram.fromBinary(
            this, label, cached.get(), options, ClProgram.Origin.DISK_CACHE);
      } catch (ClException e) {
        cache.discard(key, e.getMessage());
      }
    }
    ClProgram program = ClProgram.fromSource(this, label, source, options);
    if (cache.directory().isPresent()) {
      cache.write(key, program.binary());
    }
    return program;
  }

  cl_context handle() {
    return handle;
  }

  /** Releases the programs built here, then the context. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ClProgram> built = new ArrayList<>(programs.values());
    programs.clear();
    for (ClProgram program : built) {
      program.release();
    }
    ClErrors.check(CL.clReleaseContext(handle), "clReleaseContext");
  }
}
