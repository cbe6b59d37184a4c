package io.systole.backend;

import io.systole.model.ModelException;
import io.systole.sim.ArrayConfig;
import java.lang.reflect.InvocationTargetException;
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

    private TornadoDevices() {
    }

    /** One line per TornadoVM device (id, name, platform), or one line saying why there is none. */
    public static List<String> listing() {
        Class<?> c;
        try {
            c = backendClass();
        } catch (ModelException e) {
            return List.of("TornadoVM: " + e.getMessage());
        }
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) call(c, "listing", new Class<?>[0]);
        return lines;
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
