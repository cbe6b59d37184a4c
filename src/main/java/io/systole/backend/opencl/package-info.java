/**
 * The OpenCL backend over JOCL: small classes named after OpenCL's own objects, the systolic
 * kernels, and a runner that keeps a stage of layers resident on one device.
 *
 * <h2>Runtime objects</h2>
 * {@link io.systole.backend.opencl.ClPlatform}, {@link io.systole.backend.opencl.ClDevice},
 * {@link io.systole.backend.opencl.ClContext}, {@link io.systole.backend.opencl.ClQueue},
 * {@link io.systole.backend.opencl.ClProgram}, {@link io.systole.backend.opencl.ClKernel},
 * {@link io.systole.backend.opencl.ClBuffer}, {@link io.systole.backend.opencl.ClEvent}.
 * {@link io.systole.backend.opencl.OpenCl#discover()} finds platforms and devices and, when
 * there are none, says what is missing and how to install it. Every JOCL call runs with JOCL's
 * exceptions disabled and its return code goes through {@link
 * io.systole.backend.opencl.ClErrors#check(int, String)}, the one place that turns codes into
 * names. Programs are built once per device, source and options, and their device binaries are
 * kept in a {@link io.systole.backend.opencl.ProgramCache} on disk; a program can also be saved
 * as a binary and loaded from one, which is how an FPGA deploys an offline-compiled
 * {@code .aocx}/{@code .xclbin}.
 *
 * <h2>Kernels</h2>
 * Sources live in the top-level {@code accelerators/} folder and are read from the class path
 * ({@link io.systole.backend.opencl.ClProgram#loadSource(String, String)}):
 * <ul>
 *   <li>{@code opencl/systole_arith.cl}: every step of {@code io.systole.arith} in OpenCL C;
 *   <li>{@code opencl/systole_format.cl}: the types and steps of one number format family,
 *       chosen at build time ({@code -DSYSTOLE_F32}, {@code _INT8}, {@code _FIXED});
 *   <li>{@code opencl/systole_conv.cl}: packing (the input padded, in the element type the
 *       arithmetic reads), the weight-stationary {@code conv_ws} (each work-item a register tile
 *       of positions sharing every weight vector of its channel panel, folds of the array's R
 *       rows), the output-stationary {@code conv_os}, and {@code conv_fused} (convolution, bias,
 *       ReLU and pooling in one launch); {@code opencl/systole_pool.cl}: max and average pooling;
 *   <li>{@code fpga/systole_fpga.cl}: single work-item variants for FPGA compilers, an unrolled
 *       R x C array and pooling through a shift-register line buffer.
 * </ul>
 * {@link io.systole.backend.opencl.ConvKernels} builds or loads one family's program;
 * {@link io.systole.backend.opencl.ClOp} describes the steps of a stage (array layers with a
 * fused ReLU and pooling, pooling layers) in the simulator's terms ({@code ArrayLayer},
 * {@code Operands}); {@link io.systole.backend.opencl.OpenClLayerRunner} uploads a stage's
 * weights once, keeps its activations in device buffers, and times every kernel and transfer by
 * its event. {@link io.systole.backend.opencl.ClBench} measures the kernels.
 *
 * <h2>Bit-exact results</h2>
 * Every output equals the simulator's for the array configuration the kernels are given: the
 * reduction of each output follows the array's order (folds of R for weight-stationary, one
 * chain for output-stationary), and a vector lane is always one output, never a mix. Programs
 * are built with {@link io.systole.backend.opencl.ClProgram#DEFAULT_OPTIONS} and never with
 * {@code -cl-mad-enable}, {@code -cl-unsafe-math-optimizations} or {@code -cl-fast-relaxed-math};
 * OpenCL C allows the compiler to contract {@code a * b + c} into one fused operation by default,
 * so every kernel file starts with {@code #pragma OPENCL FP_CONTRACT OFF} and writes every fused
 * multiply-add it means as an explicit {@code fma(a, b, c)}, which matches Java's
 * {@code Math.fma} bit for bit.
 */
package io.systole.backend.opencl;
