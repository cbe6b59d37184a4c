package io.systole.backend.opencl;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Device binaries of built programs, kept on disk so that a program is compiled once per
 * machine rather than once per process. An entry is the file {@code <dir>/opencl/<key>.bin},
 * where the key is the SHA-256 of the source, the build options, the device name, the driver
 * version and the platform name: a new driver or a changed kernel misses and rebuilds.
 *
 * <p>The cache is an optimisation only: an entry that cannot be written is reported as a warning
 * and the program is used as built; an entry the driver rejects is deleted and rebuilt.
 */
public final class ProgramCache {
  /** The system property that names the cache directory. */
  public static final String DIR_PROPERTY = "systole.cache.dir";

  private static final System.Logger LOG = System.getLogger(ProgramCache.class.getName());

  private final Path dir;

  /** A cache under {@code dir} (binaries go to its {@code opencl/} subfolder). */
  public ProgramCache(Path dir) {
    this.dir = dir.resolve("opencl");
  }

  private ProgramCache() {
    this.dir = null;
  }

  /**
   * The cache under the system property {@value #DIR_PROPERTY} when set, else {@code
   * $XDG_CACHE_HOME/systole}, else {@code ~/.cache/systole}.
   */
  public static ProgramCache standard() {
    String property = System.getProperty(DIR_PROPERTY, "");
    if (!property.isBlank()) {
      return new ProgramCache(Path.of(property));
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return new ProgramCache(Path.of(xdg, "systole"));
    }
    return new ProgramCache(Path.of(System.getProperty("user.home"), ".cache", "systole"));
  }

  /** A cache that keeps nothing: every program is compiled from source. */
  public static ProgramCache disabled() {
    return new ProgramCache();
  }

  /** The folder holding the binaries; empty for {@link #disabled()}. */
  public Optional<Path> directory() {
    return Optional.ofNullable(dir);
  }

  /** The key of {@code source} built with {@code options} for {@code device}. */
  public static String key(String source, String options, ClDevice device) {
    return sha256(
        String.join(
            "\0",
            source,
            options,
            device.name(),
            device.driverVersion(),
            device.platform().name()));
  }

  /** The file that holds (or would hold) the entry {@code key}, in an enabled cache. */
  public Optional<Path> file(String key) {
    return directory().map(d -> d.resolve(key + ".bin"));
  }

  /** The binary stored under {@code key}, if there is one that can be read. */
  Optional<byte[]> read(String key) {
    Optional<Path> file = file(key);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(file.get()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot read cached OpenCL binary " + file.get() + ": " + e);
      return Optional.empty();
    }
  }

  /** Stores {@code binary} under {@code key}; a failure is a warning, never an error. */
  void write(String key, byte[] binary) {
    Optional<Path> file = file(key);
    if (file.isEmpty()) {
      return;
    }
    try {
      writeAtomically(file.get(), binary);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot cache OpenCL binary in " + file.get() + ": " + e);
    }
  }

  /** Deletes the entry {@code key}, which the driver rejected for {@code why}. */
  void discard(String key, String why) {
    Optional<Path> file = file(key);
    if (file.isEmpty()) {
      return;
    }
    LOG.log(Level.WARNING, "rebuilding from source: cached " + file.get() + " rejected: " + why);
    try {
      Files.deleteIfExists(file.get());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete " + file.get() + ": " + e);
    }
  }

  /** Writes {@code bytes} to a temporary file beside {@code file}, then renames it over it. */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try {
      Files.write(temp, bytes);
      Files.move(
          temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static String sha256(String text) {
    return sha256(text.getBytes(UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return dir == null ? "no program cache" : "program cache " + dir;
  }
}
