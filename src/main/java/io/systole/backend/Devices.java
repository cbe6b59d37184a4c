package io.systole.backend;

import io.systole.backend.jvm.JvmBackend;
import io.systole.backend.opencl.OpenCl;
import io.systole.model.ModelException;
import io.systole.sim.ArrayConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The device registry: {@code jvm} (always), {@code sim} (the simulated array, always) and every
 * OpenCL device found at run time ({@code opencl:0}, ...). A device spec selects the devices a
 * run may use: {@code auto} (the host and every real accelerator), {@code jvm}, {@code sim} or
 * {@code opencl:N} (the host plus that device).
 */
public final class Devices {
    private Devices() {
    }

    /** The backends for a device spec, host first; an absent device is an error naming it and why. */
    public static List<Backend> select(String spec, ArrayConfig cfg) {
        List<Backend> out = new ArrayList<>();
        out.add(JvmBackend.host(cfg));
        switch (spec) {
            case "auto", "jvm" -> {
            }
            case "sim" -> out.add(JvmBackend.simulator(cfg));
            default -> {
                if (!spec.startsWith("opencl:")) {
                    throw new ModelException("unknown device '" + spec + "': expected auto, jvm, sim or opencl:N"
                            + " (see `systole devices`)");
                }
                var a = OpenCl.discover();
                if (!a.isAvailable()) {
                    throw new ModelException("device '" + spec + "' is not available: " + a.reason());
                }
                if (a.devices().stream().noneMatch(d -> d.id().equals(spec))) {
                    throw new ModelException("no OpenCL device '" + spec + "'; found: "
                            + String.join(", ", a.devices().stream().map(d -> d.id()).toList()));
                }
            }
        }
        return out;
    }
}
