package io.systole.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * One enqueued command. Its profiling times are device timestamps in nanoseconds; reading one
 * waits for the command to finish. Needs a queue with profiling ({@link
 * ClDevice#profilingSupported()}), else the reads throw {@code CL_PROFILING_INFO_NOT_AVAILABLE}.
 */
public final class ClEvent implements AutoCloseable {
  private final cl_event handle;
  private boolean closed;

  ClEvent(cl_event handle) {
    this.handle = handle;
  }

  /** Blocks until the command has finished. */
  public void await() {
    ClErrors.check(CL.clWaitForEvents(1, new cl_event[] {handle}), "clWaitForEvents");
  }

  /** When the command was enqueued, in device nanoseconds. */
  public long queuedNanos() {
    return profilingInfo(CL.CL_PROFILING_COMMAND_QUEUED);
  }

  /** When the command started running, in device nanoseconds. */
  public long startNanos() {
    return profilingInfo(CL.CL_PROFILING_COMMAND_START);
  }

  /** When the command finished, in device nanoseconds. */
  public long endNanos() {
    return profilingInfo(CL.CL_PROFILING_COMMAND_END);
  }

  /** How long the command ran on the device: end minus start, in nanoseconds. */
  public long durationNanos() {
    return endNanos() - startNanos();
  }

  private long profilingInfo(int param) {
    await();
    long[] value = new long[1];
    ClErrors.check(
        CL.clGetEventProfilingInfo(handle, param, Sizeof.cl_ulong, Pointer.to(value), null),
        "clGetEventProfilingInfo");
    return value[0];
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ClErrors.check(CL.clReleaseEvent(handle), "clReleaseEvent");
  }
}
