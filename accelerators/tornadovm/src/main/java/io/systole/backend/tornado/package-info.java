/**
 * TornadoVM as a device, built only with the {@code tornadovm} Maven profile. The convolution and
 * pooling kernels are static Java methods over TornadoVM's off-heap arrays
 * ({@link io.systole.backend.tornado.ConvKernels}: the weight-stationary shared-weight kernel with
 * the filter slice in local memory, and its {@code @Parallel} twin;
 * {@link io.systole.backend.tornado.PoolKernels}); a stage runs as one task graph
 * ({@link io.systole.backend.tornado.TaskChain}) with the weights sent once and intermediates kept
 * on the device; {@link io.systole.backend.tornado.TornadoBackend} is the {@code Backend}, and
 * {@link io.systole.backend.tornado.TornadoVm} finds the runtime and its devices or says why not.
 * float32 results equal the simulator's bit for bit.
 */
package io.systole.backend.tornado;
