package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClErrorsTest {
  @Test
  void namesCodesFromTheHeaders() {
    assertEquals("CL_SUCCESS", ClErrors.name(0));
    assertEquals("CL_BUILD_PROGRAM_FAILURE", ClErrors.name(-11));
    assertEquals("CL_INVALID_KERNEL_ARGS", ClErrors.name(-52));
    assertEquals("CL_MAX_SIZE_RESTRICTION_EXCEEDED", ClErrors.name(-72));
    assertEquals("CL_PLATFORM_NOT_FOUND_KHR", ClErrors.name(-1001));
    assertEquals("UNKNOWN_OPENCL_ERROR", ClErrors.name(-20));
  }

  @Test
  void checkThrowsWithTheCallAndTheName() {
    assertDoesNotThrow(() -> ClErrors.check(0, "clFinish"));
    ClException e =
        assertThrows(ClException.class, () -> ClErrors.check(-54, "clEnqueueNDRangeKernel"));
    assertEquals("clEnqueueNDRangeKernel failed: CL_INVALID_WORK_GROUP_SIZE (-54)", e.getMessage());
    assertEquals(-54, e.code());
    assertEquals("CL_INVALID_WORK_GROUP_SIZE", e.codeName());
    ClException detailed =
        assertThrows(ClException.class, () -> ClErrors.check(-46, "clCreateKernel", "kernel k"));
    assertEquals(
        "clCreateKernel failed: CL_INVALID_KERNEL_NAME (-46): kernel k", detailed.getMessage());
  }
}
