/**
 * The numeric formats and the one definition of every arithmetic step. Every engine (reference,
 * simulator, JVM backend, OpenCL and TornadoVM kernels, exported HLS C++) implements exactly these
 * steps, and results are compared bit for bit. The code is plain integer and float arithmetic on
 * primitives so that it can be mirrored line by line in C.
 *
 * <h2>Formats</h2>
 * <ul>
 *   <li>{@link io.systole.arith.F32}: IEEE binary32 ({@link io.systole.arith.Float32Order}).</li>
 *   <li>{@link io.systole.arith.Int8Format}: int8 activations with a zero point, symmetric int8
 *       weights with a scale per output channel, int32 bias, an accumulator of 16..32 bits that
 *       wraps or saturates, requantization by integer multiplier and shift or by a float32 scale
 *       ({@link io.systole.arith.Int8}, {@link io.systole.arith.Requant},
 *       {@link io.systole.arith.Int8Quant}).</li>
 *   <li>{@link io.systole.arith.FixedFormat}: {@code fixed<W,I,Q,O>} with the quantization
 *       ({@link io.systole.arith.Rounding}) and overflow ({@link io.systole.arith.Overflow}) modes
 *       of HLS {@code ap_fixed}, a configurable accumulator format and
 *       {@link io.systole.arith.OverflowCounter}s ({@link io.systole.arith.FixedMac}).</li>
 * </ul>
 *
 * <h2>The order</h2>
 * One output of a convolution or dense layer is a reduction of length K over
 * {@code x[k] * w[k]}, k in reduction order (input channel, kernel row, kernel column). Three
 * steps define it in every format: {@code mac(p, x, w)} adds one product to a partial sum,
 * {@code foldAdd(acc, p)} adds a partial sum to the accumulator, {@code addBias(acc, b)} adds the
 * bias. The order follows the dataflow of the array that computes it:
 * <pre>
 * weight-stationary, R rows:                 output-stationary:
 *   acc = 0                                    acc = 0
 *   for fold f = 0 .. ceil(K/R) - 1:           for k = 0 .. K-1:
 *     p = 0                                      acc = mac(acc, x[k], w[k])
 *     for k = f*R .. min(K, (f+1)*R) - 1:      acc = addBias(acc, b)
 *       p = mac(p, x[k], w[k])                 out = convert(acc)
 *     acc = foldAdd(acc, p)
 *   acc = addBias(acc, b)
 *   out = convert(acc)
 * </pre>
 * A fold's partial sum flows down one column of R PEs; fold results leave the array in fold order
 * into the accumulator. Because every step may round (float32) or overflow (saturating
 * accumulators), the order is part of the result; only wrapping integer accumulators make it
 * irrelevant. With {@code R >= K} the weight-stationary order is the output-stationary one (for
 * float32 up to turning a -0.0 sum into +0.0). The steps per format:
 * <pre>
 *          mac(p, x, w)                        foldAdd / addBias               convert
 *   f32    Math.fma(x, w, p)                   acc + p / acc + b (float)       identity; ReLU v &gt; 0 ? v : +0
 *   int8   Int8.accumulate(p, (x-zpIn)*w)      Int8.accumulate(acc, p / b)     Requant.requantize or
 *                                                                              requantizeFloat, ReLU in the clamp
 *   fixed  FixedMac.accumulate(p, x*w, Fx+Fw)  FixedMac.add(acc, p / b)        outFmt.rescale(acc, Facc),
 *                                                                              then ReLU max(0, raw)
 * </pre>
 * Each format's dot helpers ({@code dotWs}, {@code dotOs}) spell the reduction out without the
 * bias. A padded input position holds the format's zero (int8: the input zero point), so its
 * product is 0 in every format.
 *
 * <h2>Pooling</h2>
 * {@link io.systole.arith.Pooling}: max is exact; average sums in window order, then divides once
 * (float32: IEEE division; int8: to nearest, ties away from zero; fixed: the output format's
 * rounding mode). Padding contributes the format's zero and counts in the divisor.
 */
package io.systole.arith;
