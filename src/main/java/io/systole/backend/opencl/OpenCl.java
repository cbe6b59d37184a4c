package io.systole.backend.opencl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jocl.CL;
import org.jocl.cl_platform_id;

/** Entry point: finds OpenCL platforms and devices once per process, and measures a device. */
public final class OpenCl {
  static final String NO_LOADER =
      "JOCL could not load the OpenCL ICD loader libOpenCL.so (%s): install"
          + " the loader and a driver, e.g. `apt-get install ocl-icd-opencl-dev pocl-opencl-icd`"
          + " for the CPU (JOCL opens libOpenCL.so, which Debian and Ubuntu ship in"
          + " ocl-icd-opencl-dev; ocl-icd-libopencl1 alone has only libOpenCL.so.1)";
  static final String NO_PLATFORM =
      "no OpenCL platform found: install an OpenCL driver, e.g. `apt-get install pocl-opencl-icd"
          + " ocl-icd-libopencl1` for the CPU (the loader finds drivers through"
          + " /etc/OpenCL/vendors/*.icd)";

  private static final String EMPTY_KERNEL = "__kernel void empty(void) {}\n";

  private OpenCl() {}

  /** Discovery runs on first use and is kept for the life of the process. */
  private static final class Found {
    static final Availability AVAILABILITY = probe();
  }

  /**
   * The platforms and devices of this machine, or why there are none. Never throws: a missing
   * loader, a missing driver or a failing query becomes {@link Availability#reason()}.
   */
  public static Availability discover() {
    return Found.AVAILABILITY;
  }

  private static Availability probe() {
    try {
      CL.setExceptionsEnabled(false);
    } catch (LinkageError e) {
      return Availability.missing(String.format(NO_LOADER, e.getMessage()));
    }
    try {
      int[] count = new int[1];
      int code = CL.clGetPlatformIDs(0, null, count);
      if (code == CL.CL_PLATFORM_NOT_FOUND_KHR || (code == CL.CL_SUCCESS && count[0] == 0)) {
        return Availability.missing(NO_PLATFORM);
      }
      ClErrors.check(code, "clGetPlatformIDs");
      cl_platform_id[] ids = new cl_platform_id[count[0]];
      ClErrors.check(CL.clGetPlatformIDs(ids.length, ids, null), "clGetPlatformIDs");
      List<ClPlatform> platforms = new ArrayList<>();
      int next = 0;
      for (cl_platform_id id : ids) {
        ClPlatform platform = new ClPlatform(id, next);
        next += platform.devices().size();
        platforms.add(platform);
      }
      return Availability.found(platforms);
    } catch (ClException e) {
      return Availability.missing("OpenCL discovery failed: " + e.getMessage());
    }
  }

  /**
   * The fixed cost of one kernel launch on {@code device}, in nanoseconds: the median host time
   * from enqueueing an empty one-work-item kernel to {@code clFinish} returning, over 200
   * launches after 20 for warm-up. A measurement for benchmarks to print, not a guarantee.
   */
  public static long launchOverheadNanos(ClDevice device) {
    try (ClContext context = ClContext.create(device, ProgramCache.disabled());
        ClQueue queue = context.createQueue();
        ClKernel kernel = context.program(EMPTY_KERNEL).createKernel("empty")) {
      long[] global = {1};
      for (int i = 0; i < 20; i++) {
        queue.enqueue(kernel, global, null);
        queue.finish();
      }
      long[] samples = new long[200];
      for (int i = 0; i < samples.length; i++) {
        long start = System.nanoTime();
        queue.enqueue(kernel, global, null);
        queue.finish();
        samples[i] = System.nanoTime() - start;
      }
      Arrays.sort(samples);
      return samples[samples.length / 2];
    }
  }
}
