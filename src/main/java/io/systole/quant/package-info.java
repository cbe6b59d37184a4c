/**
 * Calibration and quantization of a float network into an int8 or fixed-point network that the
 * array runs, an integer-only reference for it, its simulation, and its error against float.
 * Every arithmetic step is the one of {@code io.systole.arith}; the per-layer contract with the
 * array (and with device kernels and the HLS export) is {@link io.systole.sim.Operands}.
 *
 * <h2>Calibration ({@link io.systole.quant.Calibration})</h2>
 * The float reference runs on a batch of sample inputs and records the range of every tensor
 * (the input and each node's output): min/max, or a nearest-rank percentile of both tails of
 * the value distribution. {@link io.systole.quant.Samples} reads calibration batches (the first
 * n images of Fashion-MNIST, or an NPY batch).
 *
 * <h2>int8 ({@link io.systole.quant.Quantizer#int8})</h2>
 * Each tensor has one scale and zero point chosen from its range; a convolution or dense node
 * whose only consumer is a ReLU takes the ReLU's output range and folds the ReLU into its clamp.
 * Weights are symmetric per output channel, biases int32 in units of input scale times weight
 * scale, and the requantization of each output channel is a Q31 multiplier and shift or a
 * float32 scale, as the {@link io.systole.arith.Int8Format}'s mode says. Pooling keeps its
 * input's scale and zero point (padding holds the zero point); an unfolded ReLU is
 * {@code max(q, zeroPoint)}; flatten keeps the values.
 *
 * <h2>Fixed point ({@link io.systole.quant.Quantizer#fixed})</h2>
 * One {@code fixed<W,I,Q,O>} for every tensor, weight and activation; a convolution or dense
 * layer may take its own format, which then holds its weights and its output. Because the array
 * multiplies values of one data format, the layer's input is converted into the layer's format
 * as it enters the array ({@code rescale}: the layer format's rounding, then its overflow mode),
 * and the array's accumulator keeps its width while its binary point follows the layer's format
 * (2F fraction bits). Biases are raw values of the format's default accumulator. Pooling, ReLU
 * ({@code max(raw, 0)}) and flatten keep their input's format; fixed-point average pooling sums
 * in the array's accumulator format.
 *
 * <h2>Host steps and limits</h2>
 * A final softmax runs in float32 on the dequantized logits (the classifier's probabilities
 * need no integer form and its argmax is the logits' argmax); softmax elsewhere and add nodes are
 * refused, naming the node.
 *
 * <h2>Running</h2>
 * {@link io.systole.quant.IntegerReference} (plain loops in the array's order) and
 * {@link io.systole.quant.QuantizedSimulator} (the simulator's engines, with cycles and traffic)
 * share one node walk and agree bit for bit; {@link io.systole.quant.ErrorReport} compares a
 * quantized network with its float network; {@link io.systole.quant.QuantizedModelFile} saves
 * and loads quantized networks.
 */
package io.systole.quant;
