package io.systole.sim;

import java.util.List;

/**
 * What one layer (or a whole network, see {@link #total}) costs on the array. Cycles are array
 * clock cycles; scratchpad reads and writes count elements (accumulator elements for the
 * output scratchpad's partial sums); DRAM traffic is in bytes.
 *
 * @param name           node name ({@code total} for the sum)
 * @param type           layer type ({@code conv2d}, {@code dense}, {@code maxpool2d}, ...)
 * @param unit           where it ran
 * @param macs           multiply-accumulates on the array
 * @param work           useful operations of the unit: MACs on the array, window reads on the pooling unit
 * @param units          parallel units: R * C PEs, or pooling lanes; 0 on the host
 * @param folds          folds executed
 * @param computeCycles  cycles the unit was busy
 * @param stallCycles    cycles it waited for DRAM
 * @param slots          unit-cycles of streaming, the mapping-efficiency denominator
 * @param inputReads     input scratchpad reads
 * @param inputWrites    input scratchpad writes (fills from DRAM)
 * @param weightReads    weight scratchpad reads
 * @param weightWrites   weight scratchpad writes (fills from DRAM)
 * @param outputReads    output scratchpad reads (partial sums, and outputs leaving for DRAM)
 * @param outputWrites   output scratchpad writes (partial sums and outputs)
 * @param dramReadBytes  bytes read from DRAM
 * @param dramWriteBytes bytes written to DRAM
 * @param overflows      values found out of range by the arithmetic (int8, fixed point)
 * @param saturations    overflows that were clamped rather than wrapped
 */
public record LayerStats(String name, String type, Unit unit, long macs, long work, long units, long folds,
        long computeCycles, long stallCycles, long slots, long inputReads, long inputWrites, long weightReads,
        long weightWrites, long outputReads, long outputWrites, long dramReadBytes, long dramWriteBytes,
        long overflows, long saturations) {

    /** Where a layer runs. */
    public enum Unit {
        /** The systolic array (convolution, dense). */
        ARRAY,
        /** The pooling unit. */
        POOL,
        /** The host: ReLU, flatten, softmax, add take 0 array cycles. */
        HOST;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A host operation: values only, no cycles, no traffic. */
    public static LayerStats host(String name, String type) {
        return new LayerStats(name, type, Unit.HOST, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** An array layer whose values were computed without the cycle and memory models: MACs only. */
    public static LayerStats untimed(String name, long macs) {
        return new LayerStats(name, "gemm", Unit.ARRAY, macs, macs, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Compute plus stall cycles. */
    public long cycles() {
        return computeCycles + stallCycles;
    }

    /** Work over unit-cycles, 0..1: MACs / (cycles * R * C) on the array. */
    public double utilization() {
        return cycles() == 0 || units == 0 ? 0 : (double) work / ((double) cycles() * units);
    }

    /** Work over the unit-cycles of streaming, 0..1: how well the folds fill the array. */
    public double mappingEfficiency() {
        return slots == 0 ? 0 : (double) work / slots;
    }

    /** Reads of all three scratchpads. */
    public long sramReads() {
        return inputReads + weightReads + outputReads;
    }

    /** Writes of all three scratchpads. */
    public long sramWrites() {
        return inputWrites + weightWrites + outputWrites;
    }

    /** The same figures under another name and type (a network node). */
    public LayerStats named(String n, String t) {
        return new LayerStats(n, t, unit, macs, work, units, folds, computeCycles, stallCycles, slots, inputReads,
                inputWrites, weightReads, weightWrites, outputReads, outputWrites, dramReadBytes, dramWriteBytes,
                overflows, saturations);
    }

    /** The same figures with overflow counts. */
    public LayerStats withOverflows(long o, long s) {
        return new LayerStats(name, type, unit, macs, work, units, folds, computeCycles, stallCycles, slots, inputReads,
                inputWrites, weightReads, weightWrites, outputReads, outputWrites, dramReadBytes, dramWriteBytes, o, s);
    }

    /**
     * The sum over layers; its work is the array's MACs and its units the array's PEs, so its
     * utilization is MACs / (all cycles * R * C) and its mapping efficiency that of the array's folds.
     */
    public static LayerStats total(List<LayerStats> layers, ArrayConfig cfg) {
        long macs = 0;
        long folds = 0;
        long compute = 0;
        long stall = 0;
        long slots = 0;
        long[] s = new long[10];
        for (LayerStats l : layers) {
            macs += l.macs;
            folds += l.folds;
            compute += l.computeCycles;
            stall += l.stallCycles;
            slots += l.unit == Unit.ARRAY ? l.slots : 0;
            long[] v = {l.inputReads, l.inputWrites, l.weightReads, l.weightWrites, l.outputReads, l.outputWrites,
                l.dramReadBytes, l.dramWriteBytes, l.overflows, l.saturations};
            for (int i = 0; i < v.length; i++) {
                s[i] += v[i];
            }
        }
        return new LayerStats("total", "", Unit.ARRAY, macs, macs, cfg.pes(), folds, compute, stall, slots, s[0], s[1],
                s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]);
    }
}
