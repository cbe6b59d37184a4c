package io.systole.backend;

import io.systole.model.ModelException;
import io.systole.sim.ArrayConfig;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * TornadoVM devices ({@code tornado:0}, ...) seen from code compiled without TornadoVM: the
 * backend lives in {@code io.systole.backend.tornado}, compiled only with the {@code tornadovm}
 * Maven profile, and is found here by name at run time. Its absence is a plain reason.
 */
public final class TornadoDevices {
    /** The backend class the {@code tornadovm} profile compiles. */
    static final String BACKEND = "io.systole.backend.tornado.TornadoBackend";
    /** Why there is no TornadoVM device in a build without the profile. */
    static final String NOT_BUILT = "systole was built without the tornadovm Maven profile";
    /** Why there is none when the backend is built but TornadoVM's classes are missing. */
    static final String NOT_LOADED = "TornadoVM is not on the module path (run with the JVM arguments of"
            + " TornadoVM's tornado-argfile)";
    /** The number formats systole runs on every TornadoVM device: its kernels exist in each. */
    public static final List<String> FORMATS = List.of("f32", "int8", "fixed");

    private TornadoDevices() {
    }

    /**
     * One TornadoVM device.
     *
     * @param id                {@code tornado:N}
     * @param type              TornadoVM's device type: CPU, GPU, FPGA, ...
     * @param name              the device's own name
     * @param platform          the platform (driver) offering it
     * @param runtimeName       TornadoVM's name for it, e.g. {@code opencl-0-0} (backend, platform, device)
     * @param globalMemoryBytes global memory, bytes
     * @param localMemoryBytes  local memory per work-group, bytes
     */
    public record Device(String id, String type, String name, String platform, String runtimeName,
            long globalMemoryBytes, long localMemoryBytes) {
    }

    /**
     * The TornadoVM devices of this process.
     *
     * @param devices the devices, in TornadoVM's order; empty when there are none
     * @param reason  why there are none; empty when there are
     */
    public record Listing(List<Device> devices, String reason) {
        public Listing {
            devices = List.copyOf(devices);
        }

        /** Whether at least one TornadoVM device can be used. */
        public boolean isAvailable() {
            return reason.isEmpty();
        }
    }

    /** The devices TornadoVM offers here, or why it offers none; never throws. */
    public static Listing discover() {
        try {
            return (Listing) call(backendClass(), "devices", new Class<?>[0]);
        } catch (ModelException e) {
            return new Listing(List.of(), e.getMessage());
        }
    }

    /**
     * One line per TornadoVM device (id, type, name, platform, TornadoVM's name, formats), or one
     * line saying why there is none.
     */
    public static List<String> listing() {
        Listing l = discover();
        if (!l.isAvailable()) {
            return List.of("TornadoVM: " + l.reason());
        }
        return l.devices().stream().map(d -> d.id() + "  " + d.type() + "  " + d.name() + "  " + d.platform()
                + "  (TornadoVM " + d.runtimeName() + ")  " + String.join(" ", FORMATS)).toList();
    }

    /**
     * The backend of {@code spec} ({@code tornado:N}) for arrays of {@code cfg}.
     *
     * @throws ModelException naming the device and why it is not available
     */
    public static Backend open(String spec, ArrayConfig cfg) {
        Class<?> c;
        try {
            c = backendClass();
        } catch (ModelException e) {
            throw new ModelException("device '" + spec + "' is not available: " + e.getMessage());
        }
        return (Backend) call(c, "open", new Class<?>[] {String.class, ArrayConfig.class}, spec, cfg);
    }

    /** A backend for every TornadoVM device; none, silently, when TornadoVM is absent. */
    public static List<Backend> all(ArrayConfig cfg) {
        List<Backend> out = new ArrayList<>();
        discover().devices().forEach(d -> out.add(open(d.id(), cfg)));
        return out;
    }

    /** The backend class, or a {@link ModelException} whose message is why it cannot be used. */
    private static Class<?> backendClass() {
        try {
            return Class.forName(BACKEND);
        } catch (ClassNotFoundException e) {
            throw new ModelException(NOT_BUILT);
        } catch (LinkageError e) {
            throw new ModelException(NOT_LOADED);
        }
    }

    private static Object call(Class<?> c, String method, Class<?>[] types, Object... args) {
        try {
            return c.getMethod(method, types).invoke(null, args);
        } catch (LinkageError e) {
            throw new ModelException(NOT_LOADED);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("TornadoVM backend: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("TornadoVM backend: " + BACKEND + "." + method + " is missing", e);
        }
    }
}
