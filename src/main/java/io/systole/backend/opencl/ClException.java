package io.systole.backend.opencl;

/**
 * An OpenCL call returned an error. The message names the call, the error and, where there is
 * one, the object it concerned: {@code clEnqueueNDRangeKernel failed: CL_INVALID_WORK_GROUP_SIZE
 * (-54)}; a failed build carries the compiler's whole log.
 */
public final class ClException extends RuntimeException {
  private final int code;

  ClException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** The OpenCL error code, a negative number such as {@code -11}. */
  public int code() {
    return code;
  }

  /** The error's name in {@code cl.h}, such as {@code CL_BUILD_PROGRAM_FAILURE}. */
  public String codeName() {
    return ClErrors.name(code);
  }
}
