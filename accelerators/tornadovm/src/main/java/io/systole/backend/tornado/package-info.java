/**
 * TornadoVM as a device, built only with the {@code tornadovm} Maven profile. The convolution and
 * pooling kernels are static Java methods over TornadoVM's off-heap arrays, one class per number
 * format ({@link io.systole.backend.tornado.ConvKernels} float32,
 * {@link io.systole.backend.tornado.Int8Kernels}, {@link io.systole.backend.tornado.FixedKernels}:
 * the weight-stationary shared-weight kernel with the filter slice in local memory, and its
 * {@code @Parallel} twin; {@link io.systole.backend.tornado.PoolKernels}), with the integer
 * arithmetic of {@code io.systole.arith} in {@link io.systole.backend.tornado.DeviceArith}; a
 * stage runs as one task graph ({@link io.systole.backend.tornado.TaskChain}) with the weights
 * sent once and intermediates kept on the device; {@link io.systole.backend.tornado.TornadoBackend}
 * is the {@code Backend}, for float stages and stages of a quantized network, and
 * {@link io.systole.backend.tornado.TornadoVm} finds the runtime and its devices or says why not.
 * Results equal the simulator's bit for bit in every format.
 */
package io.systole.backend.tornado;
