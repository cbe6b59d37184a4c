package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk program cache and device binaries saved to and loaded from files. */
class ProgramCacheTest {
  private static ClDevice device;
  private static float[] x;
  private static float[] y;

  @BeforeAll
  static void inputs() {
    device = OpenClTestSupport.device();
    Random random = new Random(31);
    x = ClKernelTest.awkwardFloats(random, 333);
    y = ClKernelTest.awkwardFloats(random, 333);
  }

  private static float[] run(ClProgram program) {
    try (ClQueue queue = program.context().createQueue()) {
      return ClKernelTest.saxpy(program, queue, 0.3f, x, y);
    }
  }

  @Test
  void secondBuildLoadsFromDiskAndOtherOptionsMiss(@TempDir Path dir) throws Exception {
    ProgramCache cache = new ProgramCache(dir);
    String source = ClProgram.loadSource("systole_test");
    float[] built;
    try (ClContext first = ClContext.create(device, cache)) {
      ClProgram program = first.programResource("systole_test");
      assertEquals(ClProgram.Origin.SOURCE, program.origin());
      built = run(program);
    }
    String key = ProgramCache.key(source, ClProgram.DEFAULT_OPTIONS, device);
    Path entry = cache.file(key).orElseThrow();
    assertTrue(Files.size(entry) > 0, entry.toString());
    try (Stream<Path> files = Files.list(entry.getParent())) {
      assertEquals(List.of(entry), files.toList(), "only the entry, no temporary file");
    }

    try (ClContext second = ClContext.create(device, cache)) {
      ClProgram cached = second.programResource("systole_test");
      assertEquals(ClProgram.Origin.DISK_CACHE, cached.origin());
      assertArrayEquals(built, run(cached));
      String options = ClProgram.DEFAULT_OPTIONS + " -DSYSTOLE_VARIANT=1";
      assertNotEquals(key, ProgramCache.key(source, options, device));
      assertEquals(ClProgram.Origin.SOURCE, second.program(source, options).origin());
    }

    Files.writeString(entry, "damaged cache entry");
    try (ClContext third = ClContext.create(device, cache)) {
      ClProgram rebuilt = third.programResource("systole_test");
      assertEquals(ClProgram.Origin.SOURCE, rebuilt.origin());
      assertArrayEquals(built, run(rebuilt));
    }
    String rewritten = new String(Files.readAllBytes(entry), StandardCharsets.ISO_8859_1);
    assertNotEquals("damaged cache entry", rewritten, "the rebuilt binary replaced the entry");
  }

  @Test
  void binarySavedToAFileRunsInAFreshContext(@TempDir Path dir) {
    Path file = dir.resolve("deploy").resolve("systole_test.bin");
    float[] built;
    try (ClContext context = ClContext.create(device, ProgramCache.disabled())) {
      ClProgram program = context.programResource("systole_test");
      built = run(program);
      program.saveBinary(file);
    }
    try (ClContext fresh = ClContext.create(device, ProgramCache.disabled())) {
      ClProgram loaded = fresh.programFromBinary(file);
      assertEquals(ClProgram.Origin.BINARY_FILE, loaded.origin());
      assertEquals(file.toString(), loaded.label());
      assertArrayEquals(built, run(loaded));
    }
  }

  @Test
  void rejectedOrMissingBinaryNamesTheFile(@TempDir Path dir) throws Exception {
    Path damaged = dir.resolve("damaged.aocx");
    Files.writeString(damaged, "this is not a device binary");
    try (ClContext context = ClContext.create(device, ProgramCache.disabled())) {
      ClException e = assertThrows(ClException.class, () -> context.programFromBinary(damaged));
      assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
      System.out.println(e.getMessage());

      Path missing = dir.resolve("missing.xclbin");
      UncheckedIOException io =
          assertThrows(UncheckedIOException.class, () -> context.programFromBinary(missing));
      assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
    }
  }

  @Test
  void standardDirectoryFollowsTheProperty(@TempDir Path dir) {
    String before = System.getProperty(ProgramCache.DIR_PROPERTY);
    System.setProperty(ProgramCache.DIR_PROPERTY, dir.toString());
    try {
      assertEquals(dir.resolve("opencl"), ProgramCache.standard().directory().orElseThrow());
    } finally {
      if (before == null) {
        System.clearProperty(ProgramCache.DIR_PROPERTY);
      } else {
        System.setProperty(ProgramCache.DIR_PROPERTY, before);
      }
    }
    assertTrue(ProgramCache.disabled().directory().isEmpty());
  }
}
