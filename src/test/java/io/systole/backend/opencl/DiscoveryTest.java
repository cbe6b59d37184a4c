package io.systole.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.backend.TornadoDevices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryTest {
  @Test
  void findsDevicesNumberedAcrossPlatforms() {
    Availability availability = OpenClTestSupport.availability();
    List<ClDevice> devices = availability.devices();
    assertFalse(devices.isEmpty());
    for (int i = 0; i < devices.size(); i++) {
      ClDevice d = devices.get(i);
      assertEquals("opencl:" + i, d.id());
      assertFalse(d.name().isBlank(), d.toString());
      assertTrue(d.computeUnits() > 0, d.toString());
      assertTrue(d.globalMemoryBytes() > 0 && d.localMemoryBytes() > 0, d.toString());
      assertTrue(d.maxWorkGroupSize() > 0, d.toString());
      assertTrue(d.openClCVersion().startsWith("OpenCL C"), d.openClCVersion());
    }
    assertSame(devices.getFirst(), availability.device("0"));
    assertSame(devices.getFirst(), availability.device("opencl:0"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> availability.device("opencl:99"));
    assertTrue(e.getMessage().contains("opencl:0"), e.getMessage());
  }

  @Test
  void listingShowsEachDeviceAsTextAndJson() throws Exception {
    Availability availability = OpenClTestSupport.availability();
    ClDevice device = availability.devices().getFirst();
    String text = DeviceListing.text(availability);
    System.out.print(text);
    assertTrue(text.contains(device.name()), text);
    assertTrue(text.contains("opencl:0") && text.contains("f32 int8 fixed"), text);

    JsonNode json =
        new ObjectMapper().readTree(DeviceListing.json(availability, TornadoDevices.discover()));
    assertTrue(json.get("available").asBoolean());
    JsonNode first = json.get("devices").get(0);
    assertEquals("opencl:0", first.get("id").asText());
    assertEquals(device.name(), first.get("name").asText());
    assertEquals(device.globalMemoryBytes(), first.get("globalMemoryBytes").asLong());
    assertEquals(device.doubleSupported(), first.get("fp64").asBoolean());
    assertEquals(
        device.nativeVectorWidths().floatWidth(),
        first.get("nativeVectorWidths").get("floatWidth").asInt());
  }

  @Test
  void unavailableListsTheReason() throws Exception {
    Availability missing = Availability.missing(OpenCl.NO_PLATFORM);
    assertFalse(missing.isAvailable());
    assertEquals(
        "OpenCL: " + OpenCl.NO_PLATFORM + System.lineSeparator(), DeviceListing.text(missing));
    TornadoDevices.Device gpu =
        new TornadoDevices.Device(
            "tornado:0", "GPU", "a gpu", "a platform", "opencl-0-0", 1L << 33, 1 << 16);
    JsonNode json =
        new ObjectMapper()
            .readTree(DeviceListing.json(missing, new TornadoDevices.Listing(List.of(gpu), "")));
    assertFalse(json.get("available").asBoolean());
    assertEquals(OpenCl.NO_PLATFORM, json.get("reason").asText());
    assertEquals(0, json.get("devices").size());
    JsonNode tornado = json.get("tornado");
    assertTrue(tornado.get("available").asBoolean());
    JsonNode t = tornado.get("devices").get(0);
    assertEquals("tornado:0 GPU a gpu a platform opencl-0-0 8589934592 65536",
        String.join(" ", t.get("id").asText(), t.get("type").asText(), t.get("name").asText(),
            t.get("platform").asText(), t.get("runtimeName").asText(),
            t.get("globalMemoryBytes").asText(), t.get("localMemoryBytes").asText()));
    assertEquals("[\"f32\",\"int8\",\"fixed\"]", t.get("formats").toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> missing.device("opencl:0"));
    assertTrue(e.getMessage().contains("pocl-opencl-icd"), e.getMessage());
  }

  /** With the ICD loader pointed at an empty folder, discovery says so in one line. */
  @Test
  void noPlatformIsAPlainSentence(@TempDir Path noDrivers) throws Exception {
    OpenClTestSupport.availability();
    Assumptions.assumeTrue(
        System.getProperty("os.name").startsWith("Linux"),
        "OCL_ICD_VENDORS is a Linux loader variable");
    ProcessBuilder child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                PrintDevices.class.getName())
            .redirectErrorStream(true);
    child.environment().put("OCL_ICD_VENDORS", noDrivers.toString());
    Process process = child.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    assertEquals("OpenCL: " + OpenCl.NO_PLATFORM + System.lineSeparator(), output);
  }
}
