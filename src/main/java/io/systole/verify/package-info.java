/**
 * Layer-by-layer verification of a run against the simulator: every node's output is compared
 * bit for bit; the first difference is named by layer, batch index, channel, row and column,
 * with both values and, for float32, their distance in units in the last place.
 */
package io.systole.verify;
