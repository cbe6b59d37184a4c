/**
 * Device backends behind one small contract ({@link io.systole.backend.Backend}): what a device
 * supports and costs, and running a {@link io.systole.backend.Stage} of consecutive nodes with
 * its tensors resident there. One package per device: {@code jvm} (the JVM, and the simulator as a
 * device) and {@code opencl} (JOCL). Devices are found at run time by
 * {@link io.systole.backend.Devices}; an absent device is reported by name with the reason, never
 * as a stack trace.
 */
package io.systole.backend;
