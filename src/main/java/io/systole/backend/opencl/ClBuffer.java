package io.systole.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * A read-write buffer in device memory. Transfers to and from Java arrays block until the copy
 * is done (JOCL cannot leave a transfer to a Java array running); each starts at byte 0 and
 * covers the whole array. The {@code ...Timed} forms also return the transfer's {@link ClEvent}.
 */
public final class ClBuffer implements AutoCloseable {
  private final cl_mem handle;
  private final long bytes;
  private boolean closed;

  ClBuffer(ClContext context, long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("an OpenCL buffer needs at least one byte, not " + bytes);
    }
    this.bytes = bytes;
    int[] error = new int[1];
    this.handle = CL.clCreateBuffer(context.handle(), CL.CL_MEM_READ_WRITE, bytes, null, error);
    ClErrors.check(error[0], "clCreateBuffer", bytes + " bytes on " + context.device());
  }

  /** Size in bytes. */
  public long bytes() {
    return bytes;
  }

  public void write(ClQueue queue, float[] source) {
    transfer(queue, true, Pointer.to(source), (long) source.length * Sizeof.cl_float, null);
  }

  public void write(ClQueue queue, int[] source) {
    transfer(queue, true, Pointer.to(source), (long) source.length * Sizeof.cl_int, null);
  }

  public void write(ClQueue queue, byte[] source) {
    transfer(queue, true, Pointer.to(source), source.length, null);
  }

  public void write(ClQueue queue, long[] source) {
    transfer(queue, true, Pointer.to(source), (long) source.length * Sizeof.cl_long, null);
  }

  public void read(ClQueue queue, float[] target) {
    transfer(queue, false, Pointer.to(target), (long) target.length * Sizeof.cl_float, null);
  }

  public void read(ClQueue queue, int[] target) {
    transfer(queue, false, Pointer.to(target), (long) target.length * Sizeof.cl_int, null);
  }

  public void read(ClQueue queue, byte[] target) {
    transfer(queue, false, Pointer.to(target), target.length, null);
  }

  public void read(ClQueue queue, long[] target) {
    transfer(queue, false, Pointer.to(target), (long) target.length * Sizeof.cl_long, null);
  }

  public ClEvent writeTimed(ClQueue queue, float[] source) {
    return timed(queue, true, Pointer.to(source), (long) source.length * Sizeof.cl_float);
  }

  public ClEvent writeTimed(ClQueue queue, int[] source) {
    return timed(queue, true, Pointer.to(source), (long) source.length * Sizeof.cl_int);
  }

  public ClEvent writeTimed(ClQueue queue, byte[] source) {
    return timed(queue, true, Pointer.to(source), source.length);
  }

  public ClEvent readTimed(ClQueue queue, float[] target) {
    return timed(queue, false, Pointer.to(target), (long) target.length * Sizeof.cl_float);
  }

  public ClEvent readTimed(ClQueue queue, int[] target) {
    return timed(queue, false, Pointer.to(target), (long) target.length * Sizeof.cl_int);
  }

  public ClEvent readTimed(ClQueue queue, byte[] target) {
    return timed(queue, false, Pointer.to(target), target.length);
  }

  private ClEvent timed(ClQueue queue, boolean write, Pointer host, long size) {
    if (size == 0) {
      throw new IllegalArgumentException("an empty transfer has no event to time");
    }
    cl_event event = new cl_event();
    transfer(queue, write, host, size, event);
    return new ClEvent(event);
  }

  private void transfer(ClQueue queue, boolean write, Pointer host, long size, cl_event event) {
    if (size > bytes) {
      throw new IllegalArgumentException(
          (write ? "cannot write " : "cannot read ") + size + " bytes: the buffer holds " + bytes);
    }
    if (size == 0) {
      return; // nothing to copy; OpenCL itself rejects a zero-byte transfer
    }
    if (write) {
      ClErrors.check(
          CL.clEnqueueWriteBuffer(queue.handle(), handle, true, 0, size, host, 0, null, event),
          "clEnqueueWriteBuffer");
    } else {
      ClErrors.check(
          CL.clEnqueueReadBuffer(queue.handle(), handle, true, 0, size, host, 0, null, event),
          "clEnqueueReadBuffer");
    }
  }

  cl_mem handle() {
    return handle;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ClErrors.check(CL.clReleaseMemObject(handle), "clReleaseMemObject");
  }
}
