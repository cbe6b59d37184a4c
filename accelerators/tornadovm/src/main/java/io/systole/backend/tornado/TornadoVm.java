package io.systole.backend.tornado;

import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * The TornadoVM runtime as this process sees it: its devices in TornadoVM's order (backend, then
 * device), named {@code tornado:0}, {@code tornado:1}, ..., or the plain reason there are none.
 */
public record TornadoVm(List<TornadoDevice> devices, String reason) {

    /** Whether a runtime with at least one device was found. */
    public boolean isAvailable() {
        return reason == null;
    }

    /** The id of device {@code i}: {@code tornado:i}. */
    public static String id(int i) {
        return "tornado:" + i;
    }

    /**
     * Looks for the TornadoVM runtime. Absent classes or a JVM started without TornadoVM's
     * arguments give a reason, never an exception.
     */
    public static TornadoVm discover() {
        try {
            List<TornadoDevice> out = new ArrayList<>();
            for (uk.ac.manchester.tornado.api.TornadoBackend b : TornadoExecutionPlan.getTornadoDeviceMap().getAllBackends()) {
                for (int i = 0; i < b.getNumDevices(); i++) {
                    out.add(b.getDevice(i));
                }
            }
            return out.isEmpty() ? new TornadoVm(List.of(), "TornadoVM found no device")
                    : new TornadoVm(List.copyOf(out), null);
        } catch (NoClassDefFoundError | ExceptionInInitializerError e) {
            return new TornadoVm(List.of(), "TornadoVM's runtime is not loaded (run with the JVM arguments"
                    + " of TornadoVM's tornado-argfile)");
        } catch (LinkageError | RuntimeException e) {
            return new TornadoVm(List.of(), "TornadoVM did not start: " + e);
        }
    }

    /** One line per device: id, name, type and availability, platform, TornadoVM's own name. */
    public List<String> listing() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            TornadoDevice d = devices.get(i);
            out.add(id(i) + "  " + d.getDescription() + ", " + d.getPlatformName() + " (TornadoVM " + d.getDeviceName() + ")");
        }
        return out;
    }
}
