/**
 * The JVM as a device, in two roles over the same kernels: {@code jvm}, the host, running every
 * layer with the simulator's fast vectorized, multithreaded kernels (bit-exact with the array's
 * accumulation order; {@code -Dsystole.sim.scalar=true} takes the plain per-output loops) and
 * timed by the wall clock; and {@code sim}, the simulated array as a device, whose times are its
 * cycles at its clock.
 */
package io.systole.backend.jvm;
