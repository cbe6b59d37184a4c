/**
 * The OpenCL backend's infrastructure, over JOCL: small classes named after OpenCL's own objects
 * ({@link io.systole.backend.opencl.ClPlatform}, {@link io.systole.backend.opencl.ClDevice},
 * {@link io.systole.backend.opencl.ClContext}, {@link io.systole.backend.opencl.ClQueue},
 * {@link io.systole.backend.opencl.ClProgram}, {@link io.systole.backend.opencl.ClKernel},
 * {@link io.systole.backend.opencl.ClBuffer}, {@link io.systole.backend.opencl.ClEvent}).
 *
 * <p>{@link io.systole.backend.opencl.OpenCl#discover()} finds platforms and devices and, when
 * there are none, says what is missing and how to install it. Every JOCL call runs with JOCL's
 * exceptions disabled and its return code goes through {@link
 * io.systole.backend.opencl.ClErrors#check(int, String)}, the one place that turns codes into
 * names. Programs are built once per device, source and options, and their device binaries are
 * kept in a {@link io.systole.backend.opencl.ProgramCache} on disk; a program can also be saved
 * as a binary and loaded from one, which is how an FPGA deploys an offline-compiled
 * {@code .aocx}/{@code .xclbin}.
 *
 * <p>Bit-exact floats: programs are built with {@link
 * io.systole.backend.opencl.ClProgram#DEFAULT_OPTIONS} and never with {@code -cl-mad-enable},
 * {@code -cl-unsafe-math-optimizations} or {@code -cl-fast-relaxed-math}. OpenCL C allows the
 * compiler to contract {@code a * b + c} into one fused operation by default, so kernels start
 * with {@code #pragma OPENCL FP_CONTRACT OFF} and write every fused multiply-add they mean as an
 * explicit {@code fma(a, b, c)}, which matches Java's {@code Math.fma} bit for bit.
 *
 * <p>Kernel sources live in the top-level {@code accelerators/opencl/} folder and are read from
 * the class path ({@link io.systole.backend.opencl.ClProgram#loadSource(String)}).
 */
package io.systole.backend.opencl;
