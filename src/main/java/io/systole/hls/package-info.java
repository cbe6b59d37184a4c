/**
 * Export of the systolic array and a network's quantized layers as an HLS C++ project
 * ({@link io.systole.hls.HlsProject}): the array header generated from the
 * {@link io.systole.sim.ArrayConfig} ({@link io.systole.sim.ArrayConfig} is the one description
 * of the hardware, {@link io.systole.hls.ParamsHeader} writes it out), the arithmetic of
 * {@code io.systole.arith} in plain C++17 integer code, the R x C mesh with its weight-stationary
 * and output-stationary schedules and the pooling unit (templates under {@code hls/}), one top
 * function per layer with its weights and requantization constants, and a test bench whose C
 * simulation must equal the Java simulator's output bit for bit. A resource and latency
 * {@link io.systole.hls.Estimate} comes with every export.
 */
package io.systole.hls;
