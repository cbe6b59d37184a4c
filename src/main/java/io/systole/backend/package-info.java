/**
 * Device backends, one package per device: {@code opencl} (JOCL) so far. Each is found at run
 * time; an absent device is reported by name with the reason, never as a stack trace.
 */
package io.systole.backend;
