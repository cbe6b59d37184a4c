/**
 * Placement of a network's layers on devices: each device's capabilities and cost model, the
 * partitioner that minimises the network's estimated time, and the resulting plan (stages of
 * consecutive nodes on one device, fused groups, bytes crossing between devices), printable as a
 * table and as Graphviz DOT.
 *
 * <h2>Cost model</h2>
 * For a node n on device d: {@code time = launch(d) + compute(n, d)}, where compute comes from
 * the device's calibrated throughput (FLOP/s for convolution and dense layers, bytes/s for the
 * rest) or from simulated cycles at the clock of an array. A tensor produced on device a and
 * consumed on device b != a crosses the host link: {@code bytes / bandwidth(a) + bytes /
 * bandwidth(b)} (device to host, then host to device; the host's own bandwidth is infinite).
 * The network input starts on the host and its output must end there.
 *
 * <h2>Partitioner</h2>
 * Dynamic programming over the nodes in topological order: for every node and device, the least
 * time of the nodes so far given that this node runs on that device. For a chain this is exact;
 * a node with several inputs takes each input's best placement independently, which is exact
 * unless two branches compete for one producer (documented approximation for DAGs).
 */
package io.systole.partition;
