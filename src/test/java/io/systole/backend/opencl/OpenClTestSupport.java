package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Gives OpenCL tests a device, or skips them with the reason when the machine has none. With the
 * environment variable {@code SYSTOLE_REQUIRE_OPENCL=1} (set by CI, which installs PoCL) a
 * missing device fails the test instead.
 */
public final class OpenClTestSupport {
  /** The environment variable that turns a missing OpenCL device from a skip into a failure. */
  public static final String REQUIRE_VARIABLE = "SYSTOLE_REQUIRE_OPENCL";

  private OpenClTestSupport() {}

  /** What discovery found; skips or fails the calling test when there is no device. */
  public static Availability availability() {
    Availability availability = OpenCl.discover();
    if (!availability.isAvailable()) {
      String reason = availability.reason();
      if ("1".equals(System.getenv(REQUIRE_VARIABLE))) {
        fail(REQUIRE_VARIABLE + "=1 but " + reason);
      }
      System.out.println("skipping OpenCL test: " + reason);
      Assumptions.assumeTrue(false, reason);
    }
    return availability;
  }

  /** The first OpenCL device ({@code opencl:0}); skips or fails as {@link #availability()}. */
  public static ClDevice device() {
    return availability().devices().getFirst();
  }
}
