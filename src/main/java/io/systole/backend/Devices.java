package io.systole.backend;

import io.systole.backend.jvm.JvmBackend;
import io.systole.backend.opencl.ClDevice;
import io.systole.backend.opencl.OpenCl;
import io.systole.backend.opencl.OpenClBackend;
import java.nio.file.Path;
import io.systole.model.ModelException;
import io.systole.sim.ArrayConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The device registry: {@code jvm} (always), {@code sim} (the simulated array, always) and every
 * OpenCL device found at run time ({@code opencl:0}, ...), and TornadoVM's devices
 * ({@code tornado:0}, ..., see {@link TornadoDevices}). A device spec selects the devices a run may
 * use: {@code auto} (the host, every OpenCL device and every TornadoVM device, when the backend is
 * built and its runtime loaded), {@code jvm}, {@code sim}, {@code opencl:N} or {@code tornado:N}
 * (the host plus that device).
 */
public final class Devices {
    private Devices() {
    }

    /** The device a demo should use, and why. */
    public record Choice(String spec, String why) {
    }

    /** The best device available here: the first OpenCL device, else the JVM with the reason. */
    public static Choice best() {
        var a = OpenCl.discover();
        return a.isAvailable() && !a.devices().isEmpty()
                ? new Choice(a.devices().getFirst().id(), a.devices().getFirst().name())
                : new Choice("jvm", "no OpenCL device: " + a.reason());
    }

    /**
     * The backends for a device spec, host first; an absent device is an error naming it and
     * why. {@code kernelBinary}, when not null, is a saved kernel program that OpenCL devices load
     * instead of building from source (the FPGA deployment path).
     */
    public static List<Backend> select(String spec, ArrayConfig cfg, Path kernelBinary) {
        List<Backend> out = new ArrayList<>();
        out.add(JvmBackend.host(cfg));
        switch (spec) {
            case "jvm" -> {
            }
            case "sim" -> out.add(JvmBackend.simulator(cfg));
            case "auto" -> {
                var a = OpenCl.discover();
                if (a.isAvailable()) {
                    a.devices().forEach(d -> out.add(new OpenClBackend(d, cfg, kernelBinary)));
                }
                out.addAll(TornadoDevices.all(cfg));
            }
            default -> {
                if (spec.startsWith("tornado:")) {
                    out.add(TornadoDevices.open(spec, cfg));
                    return out;
                }
                if (!spec.startsWith("opencl:")) {
                    throw new ModelException("unknown device '" + spec + "': expected auto, jvm, sim, opencl:N"
                            + " or tornado:N (see `systole devices`)");
                }
                var a = OpenCl.discover();
                if (!a.isAvailable()) {
                    throw new ModelException("device '" + spec + "' is not available: " + a.reason());
                }
                ClDevice d = a.devices().stream().filter(x -> x.id().equals(spec)).findFirst()
                        .orElseThrow(() -> new ModelException("no OpenCL device '" + spec + "'; found: "
                                + String.join(", ", a.devices().stream().map(ClDevice::id).toList())));
                out.add(new OpenClBackend(d, cfg, kernelBinary));
            }
        }
        return out;
    }
}
