package io.systole.backend.opencl;

/** Prints the device listing; {@link DiscoveryTest} runs it in a child JVM with no drivers. */
final class PrintDevices {
  private PrintDevices() {}

  public static void main(String[] args) {
    System.out.print(DeviceListing.text(OpenCl.discover()));
  }
}
