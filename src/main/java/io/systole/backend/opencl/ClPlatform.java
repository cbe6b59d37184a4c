package io.systole.backend.opencl;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** An OpenCL platform (one installed driver, such as PoCL) and the devices it offers. */
public final class ClPlatform {
  private final cl_platform_id handle;
  private final String name;
  private final String vendor;
  private final String version;
  private final List<ClDevice> devices;

  /** Queries the platform and numbers its devices from {@code firstIndex} on. */
  ClPlatform(cl_platform_id handle, int firstIndex) {
    this.handle = handle;
    this.name = info(handle, CL.CL_PLATFORM_NAME);
    this.vendor = info(handle, CL.CL_PLATFORM_VENDOR);
    this.version = info(handle, CL.CL_PLATFORM_VERSION);
    int[] count = new int[1];
    int code = CL.clGetDeviceIDs(handle, CL.CL_DEVICE_TYPE_ALL, 0, null, count);
    if (code == CL.CL_DEVICE_NOT_FOUND) {
      this.devices = List.of();
      return;
    }
    ClErrors.check(code, "clGetDeviceIDs", "platform " + name);
    cl_device_id[] ids = new cl_device_id[count[0]];
    ClErrors.check(
        CL.clGetDeviceIDs(handle, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null),
        "clGetDeviceIDs",
        "platform " + name);
    List<ClDevice> list = new ArrayList<>();
    for (cl_device_id id : ids) {
      list.add(new ClDevice(this, id, firstIndex + list.size()));
    }
    this.devices = List.copyOf(list);
  }

  /** The platform's name, e.g. {@code Portable Computing Language}. */
  public String name() {
    return name;
  }

  public String vendor() {
    return vendor;
  }

  /** The OpenCL version the platform implements, e.g. {@code OpenCL 3.0 PoCL 3.1}. */
  public String version() {
    return version;
  }

  /** Its devices, in the order the driver lists them. */
  public List<ClDevice> devices() {
    return devices;
  }

  cl_platform_id handle() {
    return handle;
  }

  @Override
  public String toString() {
    return name + " (" + version + ")";
  }

  private static String info(cl_platform_id handle, int param) {
    long[] size = new long[1];
    ClErrors.check(CL.clGetPlatformInfo(handle, param, 0, null, size), "clGetPlatformInfo");
    byte[] bytes = new byte[(int) size[0]];
    ClErrors.check(
        CL.clGetPlatformInfo(handle, param, bytes.length, Pointer.to(bytes), null),
        "clGetPlatformInfo");
    return cString(bytes);
  }

  /** A NUL-terminated string returned by an OpenCL info query, trimmed. */
  static String cString(byte[] bytes) {
    int length = 0;
    while (length < bytes.length && bytes[length] != 0) {
      length++;
    }
    return new String(bytes, 0, length, UTF_8).strip();
  }
}
