package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kernels of {@code systole_test.cl} on the first device, compared exactly against Java. */
class ClKernelTest {
  private static ClContext context;
  private static ClQueue queue;
  private static ClProgram program;

  @BeforeAll
  static void build() {
    context = ClContext.create(OpenClTestSupport.device(), ProgramCache.disabled());
    queue = context.createQueue();
    program = context.programResource("systole_test");
  }

  @AfterAll
  static void release() {
    if (context != null) {
      queue.close();
      context.close();
    }
  }

  /** Runs {@code y = fma(a, x, y)} on the device and returns the new y. */
  static float[] saxpy(ClProgram program, ClQueue queue, float a, float[] x, float[] y) {
    long bytes = (long) x.length * Float.BYTES;
    try (ClBuffer xs = program.context().createBuffer(bytes);
        ClBuffer ys = program.context().createBuffer(bytes);
        ClKernel kernel = program.createKernel("saxpy")) {
      xs.write(queue, x);
      ys.write(queue, y);
      kernel.setInt(0, x.length).setFloat(1, a).setBuffer(2, xs).setBuffer(3, ys);
      queue.enqueue(kernel, new long[] {x.length}, null);
      float[] out = new float[y.length];
      ys.read(queue, out);
      return out;
    }
  }

  /** Floats across many binades, with signs, zeros and subnormals, so that rounding shows. */
  static float[] awkwardFloats(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] =
          switch (i % 7) {
            case 0 -> -0.0f;
            case 1 -> Float.MIN_VALUE * random.nextInt(1, 1000);
            default ->
                (float) ((random.nextDouble() * 2 - 1) * Math.pow(2, random.nextInt(-30, 30)));
          };
    }
    return values;
  }

  @Test
  void saxpyMatchesMathFmaBitForBit() {
    Random random = new Random(17);
    for (int n : new int[] {1, 17, 1023, 4099}) {
      float a = (float) random.nextGaussian();
      float[] x = awkwardFloats(random, n);
      float[] y = awkwardFloats(random, n);
      float[] got = saxpy(program, queue, a, x, y);
      for (int i = 0; i < n; i++) {
        float want = Math.fma(a, x[i], y[i]);
        if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got[i])) {
          fail("n=" + n + " first difference at " + i + ": fma(" + a + ", " + x[i] + ", " + y[i]
              + ") is " + want + " but the device gave " + got[i]);
        }
      }
    }
  }

  @Test
  void integerKernelWrapsLikeJava() {
    Random random = new Random(19);
    int n = 1000;
    int[] a = random.ints(n).toArray();
    int[] b = random.ints(n).toArray();
    int[] want = new int[n];
    for (int i = 0; i < n; i++) {
      want[i] = a[i] * b[i] + (a[i] >>> 3);
    }
    int[] got = new int[n];
    try (ClBuffer as = context.createBuffer(4L * n);
        ClBuffer bs = context.createBuffer(4L * n);
        ClBuffer out = context.createBuffer(4L * n);
        ClKernel kernel = program.createKernel("mul_add")) {
      as.write(queue, a);
      bs.write(queue, b);
      kernel.setInt(0, n).setBuffer(1, as).setBuffer(2, bs).setBuffer(3, out);
      queue.enqueue(kernel, new long[] {n}, null);
      out.read(queue, got);
    }
    assertArrayEquals(want, got);
  }

  @Test
  void localMemoryArgumentSumsEachGroup() {
    int group = 16;
    int groups = 7;
    int[] x = new Random(23).ints(group * groups, -1000, 1000).toArray();
    int[] want = new int[groups];
    for (int i = 0; i < x.length; i++) {
      want[i / group] += x[i];
    }
    int[] got = new int[groups];
    try (ClBuffer xs = context.createBuffer(4L * x.length);
        ClBuffer sums = context.createBuffer(4L * groups);
        ClKernel kernel = program.createKernel("group_sum")) {
      assertTrue(kernel.workGroupSize() >= group, "work-group size " + kernel.workGroupSize());
      xs.write(queue, x);
      kernel.setBuffer(0, xs).setBuffer(1, sums).setLocalBytes(2, 4L * group);
      queue.enqueue(kernel, new long[] {x.length}, new long[] {group});
      sums.read(queue, got);
    }
    assertArrayEquals(want, got);
  }

  @Test
  void bytesRoundTripAndEventsTimeCommands() {
    byte[] data = new byte[1001];
    new Random(29).nextBytes(data);
    byte[] back = new byte[data.length];
    Timings timings = new Timings();
    try (ClBuffer buffer = context.createBuffer(data.length)) {
      try (ClEvent write = buffer.writeTimed(queue, data)) {
        timings.add("write", write);
      }
      buffer.read(queue, back);
      assertThrows(IllegalArgumentException.class, () -> buffer.write(queue, new float[300]));
    }
    assertArrayEquals(data, back);

    int n = 4099;
    try (ClBuffer xs = context.createBuffer(4L * n);
        ClBuffer ys = context.createBuffer(4L * n);
        ClKernel kernel = program.createKernel("saxpy")) {
      kernel.setInt(0, n).setFloat(1, 2f).setBuffer(2, xs).setBuffer(3, ys);
      for (int run = 0; run < 3; run++) {
        try (ClEvent launch = queue.enqueueTimed(kernel, new long[] {n}, null)) {
          assertTrue(launch.durationNanos() > 0, "kernel duration " + launch.durationNanos());
          assertTrue(launch.queuedNanos() <= launch.startNanos());
          timings.add("saxpy", launch);
        }
      }
    }
    assertEquals(3, timings.entries().get("saxpy").count());
    assertEquals(1, timings.entries().get("write").count());
    assertTrue(timings.totalNanos() > 0);
    assertTrue(timings.toString().contains("saxpy"), timings.toString());
  }

  @Test
  void invalidCallsNameTheError() {
    try (ClKernel kernel = program.createKernel("saxpy")) {
      ClException badIndex = assertThrows(ClException.class, () -> kernel.setInt(99, 1));
      assertEquals("CL_INVALID_ARG_INDEX", badIndex.codeName());
      assertTrue(
          badIndex.getMessage().startsWith("clSetKernelArg failed: CL_INVALID_ARG_INDEX (-49)"),
          badIndex.getMessage());

      try (ClBuffer buffer = context.createBuffer(4L * 10)) {
        kernel.setInt(0, 10).setFloat(1, 1f).setBuffer(2, buffer).setBuffer(3, buffer);
        ClException badGroup =
            assertThrows(
                ClException.class, () -> queue.enqueue(kernel, new long[] {10}, new long[] {3}));
        assertEquals(
            "clEnqueueNDRangeKernel failed: CL_INVALID_WORK_GROUP_SIZE (-54): kernel saxpy",
            badGroup.getMessage());
      }
    }
    ClException badName = assertThrows(ClException.class, () -> program.createKernel("sapxy"));
    assertEquals("CL_INVALID_KERNEL_NAME", badName.codeName());
    assertTrue(badName.getMessage().contains("sapxy"), badName.getMessage());
    IllegalArgumentException noSource =
        assertThrows(IllegalArgumentException.class, () -> ClProgram.loadSource("no_such_kernel"));
    assertTrue(noSource.getMessage().contains("accelerators/opencl/no_such_kernel.cl"));
  }

  @Test
  void buildFailureCarriesTheBuildLog() {
    String broken =
        "__kernel void broken(__global int *x) {\n  x[0] = not_declared_anywhere + 1;\n}\n";
    ClException e = assertThrows(ClException.class, () -> context.program(broken));
    assertEquals("CL_BUILD_PROGRAM_FAILURE", e.codeName());
    assertTrue(e.getMessage().contains("build log:"), e.getMessage());
    assertTrue(e.getMessage().contains("not_declared_anywhere"), e.getMessage());
    assertTrue(e.getMessage().contains("undeclared identifier"), e.getMessage());
  }

  @Test
  void programsAreBuiltOncePerContext() {
    assertSame(program, context.programResource("systole_test"));
    assertSame(program, context.program(ClProgram.loadSource("systole_test")));
    assertEquals(ClProgram.Origin.SOURCE, program.origin());
  }

  @Test
  void launchOverheadIsMeasured() {
    long nanos = OpenCl.launchOverheadNanos(context.device());
    System.out.printf("empty kernel launch on %s: %.1f us%n", context.device().name(), nanos / 1e3);
    assertTrue(nanos > 0);
  }
}
