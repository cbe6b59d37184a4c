package io.systole.sim;

/**
 * One fold: a tile of a layer's implicit GEMM that the array computes in one pass, with what it
 * demands. The compute model produces folds in execution order; the memory model turns their
 * demands into scratchpad accesses, DRAM traffic and stall cycles. Element counts are in
 * elements of the array's format (accumulator elements for {@code accReads}/{@code accWrites}).
 *
 * @param index          position in the layer's execution order, from 0
 * @param group          channel group
 * @param m0             first output position
 * @param positions      output positions of the tile (WS: streamed rows; OS: PE rows used)
 * @param k0             first reduction index
 * @param reduction      reduction indices of the tile (WS: PE rows used; OS: all of K, streamed)
 * @param n0             first output channel within the group
 * @param channels       output channels of the tile (PE columns used)
 * @param computeCycles  cycles the array is busy with this fold, from the closed-form compute model
 * @param macs           useful multiply-accumulates
 * @param slots          PE-cycles the fold occupies while streaming, R * C * stream length: MACs
 *                       over slots is the fold's mapping efficiency
 * @param weightReads    weight scratchpad reads (elements into the array)
 * @param inputReads     input scratchpad reads (elements into the array; padding is generated, not read)
 * @param accReads       output scratchpad reads of partial sums (accumulator elements)
 * @param accWrites      output scratchpad writes of partial sums or finished outputs (accumulator elements)
 * @param outputs        finished outputs leaving for DRAM after this fold (elements)
 * @param weightTile     weights this fold needs from DRAM when the layer's weights are not resident
 * @param weightsFirstUse whether this fold is the first to use its weight tile (resident weights are fetched then)
 * @param inputTile      input elements this fold needs from DRAM when the layer's input is not resident
 * @param groupStart     whether this fold is the first of its group (a resident input is fetched then)
 */
public record Fold(int index, int group, int m0, int positions, int k0, int reduction, int n0, int channels,
        long computeCycles, long macs, long slots, long weightReads, long inputReads, long accReads, long accWrites,
        long outputs, long weightTile, boolean weightsFirstUse, long inputTile, boolean groupStart) {
}
