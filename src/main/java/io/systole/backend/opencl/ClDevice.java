package io.systole.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;

/**
 * An OpenCL device and what systole needs to know about it. Devices are numbered 0..n-1 across
 * all platforms in discovery order; {@link #id()} is {@code opencl:<index>}.
 */
public final class ClDevice {
  /** The device's kind, from {@code CL_DEVICE_TYPE}. */
  public enum Type {
    CPU,
    GPU,
    /** FPGAs and other fixed-function accelerators. */
    ACCELERATOR,
    /** {@code CL_DEVICE_TYPE_CUSTOM}: a device that cannot compile OpenCL C. */
    CUSTOM
  }

  /** Vector widths for each scalar type, in elements; 0 where the type is unsupported. */
  public record VectorWidths(
      int charWidth,
      int shortWidth,
      int intWidth,
      int longWidth,
      int floatWidth,
      int doubleWidth) {}

  private final ClPlatform platform;
  private final cl_device_id handle;
  private final int index;
  private final Type type;
  private final String name;
  private final String vendor;
  private final int computeUnits;
  private final int maxClockMegahertz;
  private final long globalMemoryBytes;
  private final long maxAllocationBytes;
  private final long localMemoryBytes;
  private final long maxWorkGroupSize;
  private final String version;
  private final String openClCVersion;
  private final String driverVersion;
  private final boolean profilingSupported;
  private final boolean doubleSupported;
  private final VectorWidths preferredVectorWidths;
  private final VectorWidths nativeVectorWidths;

  ClDevice(ClPlatform platform, cl_device_id handle, int index) {
    this.platform = platform;
    this.handle = handle;
    this.index = index;
    this.type = typeOf(longInfo(CL.CL_DEVICE_TYPE));
    this.name = stringInfo(CL.CL_DEVICE_NAME);
    this.vendor = stringInfo(CL.CL_DEVICE_VENDOR);
    this.computeUnits = intInfo(CL.CL_DEVICE_MAX_COMPUTE_UNITS);
    this.maxClockMegahertz = intInfo(CL.CL_DEVICE_MAX_CLOCK_FREQUENCY);
    this.globalMemoryBytes = longInfo(CL.CL_DEVICE_GLOBAL_MEM_SIZE);
    this.maxAllocationBytes = longInfo(CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    this.localMemoryBytes = longInfo(CL.CL_DEVICE_LOCAL_MEM_SIZE);
    this.maxWorkGroupSize = sizeInfo(CL.CL_DEVICE_MAX_WORK_GROUP_SIZE);
    this.version = stringInfo(CL.CL_DEVICE_VERSION);
    this.openClCVersion = stringInfo(CL.CL_DEVICE_OPENCL_C_VERSION);
    this.driverVersion = stringInfo(CL.CL_DRIVER_VERSION);
    this.profilingSupported =
        (longInfo(CL.CL_DEVICE_QUEUE_ON_HOST_PROPERTIES) & CL.CL_QUEUE_PROFILING_ENABLE) != 0;
    this.doubleSupported =
        (" " + stringInfo(CL.CL_DEVICE_EXTENSIONS) + " ").contains(" cl_khr_fp64 ");
    this.preferredVectorWidths =
        new VectorWidths(
            intInfo(CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR),
            intInfo(CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT),
            intInfo(CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT),
            intInfo(CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG),
            intInfo(CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
            intInfo(CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE));
    this.nativeVectorWidths =
        new VectorWidths(
            intInfo(CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR),
            intInfo(CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT),
            intInfo(CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_INT),
            intInfo(CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG),
            intInfo(CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT),
            intInfo(CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE));
  }

  /** {@code opencl:<index>}, the name a user gives on the command line. */
  public String id() {
    return "opencl:" + index;
  }

  /** Position among all devices of all platforms, from 0. */
  public int index() {
    return index;
  }

  public ClPlatform platform() {
    return platform;
  }

  public Type type() {
    return type;
  }

  /** The device's name, e.g. {@code pthread-haswell-AMD EPYC}. */
  public String name() {
    return name;
  }

  public String vendor() {
    return vendor;
  }

  public int computeUnits() {
    return computeUnits;
  }

  public int maxClockMegahertz() {
    return maxClockMegahertz;
  }

  public long globalMemoryBytes() {
    return globalMemoryBytes;
  }

  /** The largest single buffer the device allows, in bytes. */
  public long maxAllocationBytes() {
    return maxAllocationBytes;
  }

  /** Local (work-group shared) memory, in bytes. */
  public long localMemoryBytes() {
    return localMemoryBytes;
  }

  /** The most work-items in one work-group. */
  public long maxWorkGroupSize() {
    return maxWorkGroupSize;
  }

  /** The OpenCL version the device implements, e.g. {@code OpenCL 3.0 PoCL ...}. */
  public String version() {
    return version;
  }

  /** The OpenCL C version its compiler accepts, e.g. {@code OpenCL C 1.2 PoCL}. */
  public String openClCVersion() {
    return openClCVersion;
  }

  public String driverVersion() {
    return driverVersion;
  }

  /** Whether command queues on this device can time commands ({@link ClEvent#durationNanos()}). */
  public boolean profilingSupported() {
    return profilingSupported;
  }

  /** Whether the device has {@code cl_khr_fp64} (double precision). */
  public boolean doubleSupported() {
    return doubleSupported;
  }

  public VectorWidths preferredVectorWidths() {
    return preferredVectorWidths;
  }

  public VectorWidths nativeVectorWidths() {
    return nativeVectorWidths;
  }

  cl_device_id handle() {
    return handle;
  }

  @Override
  public String toString() {
    return id() + " (" + type + ", " + name + ", " + platform.name() + ")";
  }

  private static Type typeOf(long bits) {
    if ((bits & CL.CL_DEVICE_TYPE_GPU) != 0) {
      return Type.GPU;
    }
    if ((bits & CL.CL_DEVICE_TYPE_CPU) != 0) {
      return Type.CPU;
    }
    if ((bits & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0) {
      return Type.ACCELERATOR;
    }
    return Type.CUSTOM;
  }

  private String stringInfo(int param) {
    long[] size = new long[1];
    ClErrors.check(CL.clGetDeviceInfo(handle, param, 0, null, size), "clGetDeviceInfo");
    byte[] bytes = new byte[(int) size[0]];
    ClErrors.check(
        CL.clGetDeviceInfo(handle, param, bytes.length, Pointer.to(bytes), null),
        "clGetDeviceInfo");
    return ClPlatform.cString(bytes);
  }

  /** A {@code cl_uint} query. */
  private int intInfo(int param) {
    int[] value = new int[1];
    ClErrors.check(
        CL.clGetDeviceInfo(handle, param, Sizeof.cl_uint, Pointer.to(value), null),
        "clGetDeviceInfo");
    return value[0];
  }

  /** A {@code cl_ulong} or bit-field query. */
  private long longInfo(int param) {
    long[] value = new long[1];
    ClErrors.check(
        CL.clGetDeviceInfo(handle, param, Sizeof.cl_ulong, Pointer.to(value), null),
        "clGetDeviceInfo");
    return value[0];
  }

  /** A {@code size_t} query. */
  private long sizeInfo(int param) {
    long[] value = new long[1];
    ClErrors.check(
        CL.clGetDeviceInfo(handle, param, Sizeof.size_t, Pointer.to(value), null),
        "clGetDeviceInfo");
    return value[0];
  }
}
