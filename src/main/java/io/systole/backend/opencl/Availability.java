package io.systole.backend.opencl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link OpenCl#discover()} found: the platforms with their devices, or, when there is no
 * usable device, a plain sentence saying what is missing and how to install it.
 *
 * @param platforms the platforms found; empty when OpenCL is unavailable
 * @param reason why OpenCL is unavailable; empty when it is available
 */
public record Availability(List<ClPlatform> platforms, String reason) {
  public Availability {
    platforms = List.copyOf(platforms);
  }

  static Availability found(List<ClPlatform> platforms) {
    if (platforms.stream().allMatch(p -> p.devices().isEmpty())) {
      String names = platforms.stream().map(ClPlatform::name).collect(Collectors.joining(", "));
      return missing(
          "OpenCL platform(s) found (" + names + ") but they offer no device: check that the"
              + " device's driver is installed and that this user may open it");
    }
    return new Availability(platforms, "");
  }

  static Availability missing(String reason) {
    return new Availability(List.of(), reason);
  }

  /** Whether at least one OpenCL device can be used. */
  public boolean isAvailable() {
    return reason.isEmpty();
  }

  /** Every device of every platform, in index order ({@code opencl:0} first). */
  public List<ClDevice> devices() {
    return platforms.stream().flatMap(p -> p.devices().stream()).toList();
  }

  /**
   * The device a user named: {@code opencl:1} or just {@code 1}.
   *
   * @throws IllegalArgumentException naming the devices that exist, or why there are none
   */
  public ClDevice device(String id) {
    if (!isAvailable()) {
      throw new IllegalArgumentException("no OpenCL device " + id + ": " + reason);
    }
    List<ClDevice> devices = devices();
    String wanted = id.startsWith("opencl:") ? id : "opencl:" + id;
    return devices.stream()
        .filter(d -> d.id().equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no OpenCL device "
                        + id
                        + "; the devices are "
                        + devices.stream()
                            .map(ClDevice::toString)
                            .collect(Collectors.joining(", "))));
  }
}
