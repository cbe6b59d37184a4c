package io.systole.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * One kernel of a built program, with its arguments. Arguments are set by index, in the order
 * of the kernel's parameter list; a kernel object is not safe to set from two threads at once,
 * so each thread creates its own ({@link ClProgram#createKernel(String)}).
 */
public final class ClKernel implements AutoCloseable {
  private final ClProgram program;
  private final String name;
  private final cl_kernel handle;
  private boolean closed;

  ClKernel(ClProgram program, String name) {
    this.program = program;
    this.name = name;
    int[] error = new int[1];
    this.handle = CL.clCreateKernel(program.handle(), name, error);
    ClErrors.check(error[0], "clCreateKernel", "kernel " + name + " in " + program.label());
  }

  public String name() {
    return name;
  }

  /** A {@code __global} buffer argument. */
  public ClKernel setBuffer(int index, ClBuffer buffer) {
    return set(index, Sizeof.cl_mem, Pointer.to(new cl_mem[] {buffer.handle()}));
  }

  /** An {@code int} argument. */
  public ClKernel setInt(int index, int value) {
    return set(index, Sizeof.cl_int, Pointer.to(new int[] {value}));
  }

  /** A {@code float} argument. */
  public ClKernel setFloat(int index, float value) {
    return set(index, Sizeof.cl_float, Pointer.to(new float[] {value}));
  }

  /** A {@code __local} argument: {@code bytes} bytes of local memory per work-group. */
  public ClKernel setLocalBytes(int index, long bytes) {
    return set(index, bytes, null);
  }

  /** The largest work-group this kernel can run with on the program's device. */
  public long workGroupSize() {
    long[] value = new long[1];
    ClErrors.check(
        CL.clGetKernelWorkGroupInfo(
            handle,
            program.context().device().handle(),
            CL.CL_KERNEL_WORK_GROUP_SIZE,
            Sizeof.size_t,
            Pointer.to(value),
            null),
        "clGetKernelWorkGroupInfo",
        "kernel " + name);
    return value[0];
  }

  private ClKernel set(int index, long size, Pointer value) {
    ClErrors.check(
        CL.clSetKernelArg(handle, index, size, value),
        "clSetKernelArg",
        "argument " + index + " of kernel " + name);
    return this;
  }

  cl_kernel handle() {
    return handle;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ClErrors.check(CL.clReleaseKernel(handle), "clReleaseKernel");
  }
}
