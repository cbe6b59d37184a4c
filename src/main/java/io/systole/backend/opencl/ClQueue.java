package io.systole.backend.opencl;

import org.jocl.CL;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;

/**
 * An in-order command queue on its context's device, created with profiling enabled when the
 * device supports it. Methods named {@code ...Timed} return the command's {@link ClEvent}, which
 * the caller closes; the others keep no event.
 */
public final class ClQueue implements AutoCloseable {
  private final ClContext context;
  private final cl_command_queue handle;
  private boolean closed;

  ClQueue(ClContext context) {
    this.context = context;
    this.handle = create(context);
  }

  /**
   * Uses {@code clCreateCommandQueue}, deprecated since OpenCL 2.0 but still exported by 2.x and
   * 3.0 drivers, because OpenCL 1.2 platforms (FPGA SDKs among them) have nothing else.
   */
  @SuppressWarnings("deprecation")
  private static cl_command_queue create(ClContext context) {
    long properties = context.device().profilingSupported() ? CL.CL_QUEUE_PROFILING_ENABLE : 0;
    int[] error = new int[1];
    cl_command_queue handle =
        CL.clCreateCommandQueue(context.handle(), context.device().handle(), properties, error);
    ClErrors.check(error[0], "clCreateCommandQueue", context.device().toString());
    return handle;
  }

  public ClContext context() {
    return context;
  }

  /**
   * Enqueues {@code kernel} over an NDRange without waiting for it.
   *
   * @param global work-items per dimension (1 to 3 dimensions)
   * @param local work-group size per dimension, or null to let the driver choose
   */
  public void enqueue(ClKernel kernel, long[] global, long[] local) {
    enqueue(kernel, global, local, null);
  }

  /** As {@link #enqueue}, returning the launch's event for timing. */
  public ClEvent enqueueTimed(ClKernel kernel, long[] global, long[] local) {
    cl_event event = new cl_event();
    enqueue(kernel, global, local, event);
    return new ClEvent(event);
  }

  private void enqueue(ClKernel kernel, long[] global, long[] local, cl_event event) {
    if (local != null && local.length != global.length) {
      throw new IllegalArgumentException(
          "kernel " + kernel.name() + ": global has " + global.length
              + " dimensions but local has " + local.length);
    }
    ClErrors.check(
        CL.clEnqueueNDRangeKernel(
            handle, kernel.handle(), global.length, null, global, local, 0, null, event),
        "clEnqueueNDRangeKernel",
        "kernel " + kernel.name());
  }

  /** Sends the queued commands to the device without waiting. */
  public void flush() {
    ClErrors.check(CL.clFlush(handle), "clFlush");
  }

  /** Waits until every queued command has finished. */
  public void finish() {
    ClErrors.check(CL.clFinish(handle), "clFinish");
  }

  cl_command_queue handle() {
    return handle;
  }

  /** Waits for the queued commands, then releases the queue. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    finish();
    ClErrors.check(CL.clReleaseCommandQueue(handle), "clReleaseCommandQueue");
  }
}
