/**
 * The systolic-array simulator: the living definition of the hardware. It computes the output
 * bits of each layer in the array's number format (the steps of {@code io.systole.arith}, in
 * the order the array performs them) and, from the same run, cycles, scratchpad accesses, DRAM
 * traffic and stalls.
 *
 * <h2>Configuration</h2>
 * {@link io.systole.sim.ArrayConfig}: R x C processing elements, dataflow, number format,
 * accumulator width, input/weight/output scratchpad bytes, DRAM bytes per cycle, clock,
 * double-buffered weights, pooling lanes. Presets are data files under {@code sim/presets/}.
 *
 * <h2>Mapping</h2>
 * A convolution is an implicit GEMM per group ({@link io.systole.sim.ImplicitGemm}):
 * {@code M = batch * outH * outW} output positions, {@code K = inC/groups * kH * kW} reduction
 * indices in the order (input channel, kernel row, kernel column), {@code N = outC/groups}
 * output channels. The im2col matrix is never stored; its elements are located on the fly.
 * Dense layers are 1x1 convolutions of a 1x1 image. Pooling runs on the
 * {@link io.systole.sim.PoolingUnit}; ReLU, flatten, softmax and add run on the host (values
 * computed, 0 cycles, no traffic).
 *
 * <h2>Compute model ({@link io.systole.sim.ComputeModel})</h2>
 * Registers update once per cycle; data moves one PE per cycle.
 * <ul>
 *   <li><b>Weight-stationary</b> ({@link io.systole.sim.WeightStationary}). Folds: per group,
 *       per chunk of {@code Mt} positions (as many rows of C accumulators as the output
 *       scratchpad holds), per tile of C output channels, per tile of R reduction indices, so
 *       {@code ceil(M/Mt) * ceil(N/C) * ceil(K/R)} folds per group. A fold of r rows and c
 *       columns holds {@code W[k0..k0+r)[n0..n0+c)} in the top-left PEs.
 *       <ol>
 *         <li>Weight load: {@code r} cycles. Weights enter at the top edge and shift down one
 *             row per cycle. With double-buffered weights every PE has a second weight
 *             register that is filled during the previous fold's streaming (which lasts at
 *             least R cycles, so the load is always hidden) and swapped in at the fold
 *             boundary; then only a layer's first fold pays the load.</li>
 *         <li>Streaming: {@code Mt} cycles. Row i receives X[m][k0 + i] from the left edge in
 *             cycle {@code m + i} (the skew), activations move right, so PE (i, j) multiplies
 *             position {@code t - i - j} in cycle t and adds the partial sum that PE (i-1, j)
 *             produced in the previous cycle; row 0 starts from zero.</li>
 *         <li>Fill and drain: {@code R + c - 1} cycles. Partial sums travel down all R rows (rows
 *             below r pass them on) and leave at the bottom edge, column j j cycles after
 *             column 0; the accumulator adds the last one, of position Mt-1 in column c-1, in
 *             cycle {@code Mt + R + c - 2}.</li>
 *       </ol>
 *       A fold costs {@code [r] + Mt + R + c - 1} cycles (the bracket unless hidden).</li>
 *   <li><b>Output-stationary</b> ({@link io.systole.sim.OutputStationary}). Folds: per group,
 *       per tile of C output channels, per tile of R positions: {@code ceil(N/C) * ceil(M/R)}
 *       per group. PE (i, j) owns output (m0 + i, n0 + j). Inputs X[m0 + i][k] enter row i in
 *       cycle {@code k + i}, weights W[k][n0 + j] enter column j in cycle {@code k + j}, so PE
 *       (i, j) accumulates index k in cycle {@code k + i + j}: {@code K + r + c - 2} cycles of
 *       streaming with skew. Then the finished outputs shift down the columns to the bottom
 *       edge: R cycles. A fold costs {@code K + r + c - 2 + R} cycles; there is no weight load
 *       and the double-buffering switch does not apply.</li>
 * </ul>
 * The order of arithmetic follows: WS partial sums start at zero per fold of R reduction
 * indices and join the accumulator in fold order; OS accumulates all of K in one PE; the bias
 * and the conversion to the output format come last ({@link io.systole.sim.OrderedReference}).
 *
 * <h2>Memory model ({@link io.systole.sim.MemoryModel})</h2>
 * Each fold demands ({@link io.systole.sim.Fold}) weight, input and output-scratchpad
 * accesses, and the memory model turns them into DRAM traffic and stalls. Scratchpad accesses
 * are counted in elements: WS reads r*c weights and the fold's non-padding X elements (padding
 * zeros are generated at the edge), reads and writes Mt*c partial sums (the first fold of a
 * reduction only writes), and reads the finished outputs once on their way to DRAM; OS reads
 * c*K weights and r*K inputs and writes r*c outputs. A group's weights (input) stay in their
 * scratchpad when they fit; then each tile is fetched from DRAM once, else on every use. The
 * scratchpads are double-buffered towards DRAM, so a fold's data is fetched during the
 * previous fold and its outputs leave during the next; the array stalls when one DRAM channel
 * of {@code dramBytesPerCycle} cannot move that in the other fold's compute time. The pooling
 * unit ({@code poolingLanes} lanes, one window element per lane per cycle) uses the same
 * memory model.
 *
 * <h2>Engines</h2>
 * {@link io.systole.sim.PeEngine} steps every PE every cycle (small layers, traces,
 * {@link io.systole.sim.VcdWriter} waveforms); {@link io.systole.sim.FastEngine} computes the
 * same bits with vectorized, multithreaded kernels and takes cycles from the closed forms above.
 * Tests hold both, and the plain loops of {@link io.systole.sim.OrderedReference}, equal bit for
 * bit, cycle for cycle. {@link io.systole.sim.Simulator} runs whole networks and
 * {@link io.systole.sim.Topology} files; {@link io.systole.sim.Report} is the per-layer result.
 */
package io.systole.sim;
