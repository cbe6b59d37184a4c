package io.systole.backend.opencl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.backend.TornadoDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OpenCL devices of this machine as a text table and as JSON ({@code systole devices}); the
 * JSON also holds TornadoVM's devices.
 */
public final class DeviceListing {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final String[] HEADER = {
    "DEVICE", "TYPE", "NAME", "PLATFORM", "CU", "GLOBAL MEM", "LOCAL MEM", "OPENCL C", "FORMATS"
  };

  private DeviceListing() {}

  /**
   * The number formats systole runs on any OpenCL device: {@code f32}, {@code int8} and {@code
   * fixed} need only OpenCL C 1.2 (floats with explicit {@code fma}, integers in {@code int}).
   * Double precision is not a systole format; the listing marks it as {@code (fp64)}.
   */
  public static final List<String> FORMATS = List.of("f32", "int8", "fixed");

  /** One row per device, or the reason there are none. */
  public static String text(Availability availability) {
    if (!availability.isAvailable()) {
      return "OpenCL: " + availability.reason() + System.lineSeparator();
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (ClDevice d : availability.devices()) {
      rows.add(
          new String[] {
            d.id(),
            d.type().name(),
            d.name(),
            d.platform().name(),
            Integer.toString(d.computeUnits()),
            bytes(d.globalMemoryBytes()),
            bytes(d.localMemoryBytes()),
            openClC(d.openClCVersion()),
            String.join(" ", FORMATS) + (d.doubleSupported() ? " (fp64)" : "")
          });
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String fill = " ".repeat(widths[i] - row[i].length());
        boolean number = i >= 4 && i <= 6; // CU, GLOBAL MEM, LOCAL MEM
        line.append(number ? fill + row[i] : row[i] + fill).append("  ");
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return out.toString();
  }

  /**
   * {@code {"available": true, "reason": "", "devices": [{"id": "opencl:0", ...}], "tornado":
   * {"available": true, "reason": "", "devices": [{"id": "tornado:0", ...}]}}}; memory in bytes,
   * every device with the formats systole runs there.
   */
  public static String json(Availability availability, TornadoDevices.Listing tornado) {
    ObjectNode root = JSON.createObjectNode();
    root.put("available", availability.isAvailable());
    root.put("reason", availability.reason());
    ArrayNode devices = root.putArray("devices");
    for (ClDevice d : availability.devices()) {
      ObjectNode n = devices.addObject();
      n.put("id", d.id());
      n.put("index", d.index());
      n.put("type", d.type().name());
      n.put("name", d.name());
      n.put("vendor", d.vendor());
      n.put("platform", d.platform().name());
      n.put("platformVersion", d.platform().version());
      n.put("computeUnits", d.computeUnits());
      n.put("maxClockMegahertz", d.maxClockMegahertz());
      n.put("globalMemoryBytes", d.globalMemoryBytes());
      n.put("maxAllocationBytes", d.maxAllocationBytes());
      n.put("localMemoryBytes", d.localMemoryBytes());
      n.put("maxWorkGroupSize", d.maxWorkGroupSize());
      n.put("version", d.version());
      n.put("openClCVersion", d.openClCVersion());
      n.put("driverVersion", d.driverVersion());
      n.put("profiling", d.profilingSupported());
      n.put("fp64", d.doubleSupported());
      n.set("preferredVectorWidths", JSON.valueToTree(d.preferredVectorWidths()));
      n.set("nativeVectorWidths", JSON.valueToTree(d.nativeVectorWidths()));
      ArrayNode formats = n.putArray("formats");
      FORMATS.forEach(formats::add);
    }
    ObjectNode t = root.putObject("tornado");
    t.put("available", tornado.isAvailable());
    t.put("reason", tornado.reason());
    ArrayNode tornadoDevices = t.putArray("devices");
    for (TornadoDevices.Device d : tornado.devices()) {
      ObjectNode n = tornadoDevices.addObject();
      n.put("id", d.id());
      n.put("type", d.type());
      n.put("name", d.name());
      n.put("platform", d.platform());
      n.put("runtimeName", d.runtimeName());
      n.put("globalMemoryBytes", d.globalMemoryBytes());
      n.put("localMemoryBytes", d.localMemoryBytes());
      ArrayNode formats = n.putArray("formats");
      TornadoDevices.FORMATS.forEach(formats::add);
    }
    try {
      return JSON.writeValueAsString(root) + System.lineSeparator();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** {@code OpenCL C 1.2 PoCL} -> {@code 1.2}. */
  static String openClC(String version) {
    String rest = version.startsWith("OpenCL C ") ? version.substring(9) : version;
    int space = rest.indexOf(' ');
    return space < 0 ? rest : rest.substring(0, space);
  }

  /** Bytes in binary units: {@code 512 B}, {@code 64 KiB}, {@code 7.6 GiB}. */
  static String bytes(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    if (unit == 0 || value == Math.rint(value)) {
      return String.format(Locale.ROOT, "%d %s", Math.round(value), units[unit]);
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
