/**
 * systole: hardware/software co-design of convolutional neural networks. Packages follow the
 * path a layer takes: model, tensor, arith, quant, ref, sim, partition, backend, runtime, verify,
 * profile, hls, train, cli.
 */
package io.systole;
