package io.systole.sim;

/**
 * The memory side of one layer: three scratchpads (input, weight, output) and one DRAM channel
 * of {@code dramBytesPerCycle} shared by reads and writes. It consumes the layer's folds in
 * order, each with the compute cycles it took, and accumulates scratchpad accesses, DRAM bytes
 * and stall cycles.
 *
 * <p><b>Residency.</b> The weights of a group stay in the weight scratchpad when all of them fit
 * (K * N * element bytes); each weight tile is then fetched once, by the first fold that uses
 * it, and otherwise by every fold that uses it. The input of a group stays in the input
 * scratchpad when all of it fits (batch * inC/groups * H * W * element bytes); it is then
 * fetched once, before the group's first fold, and otherwise every fold fetches the non-padding
 * input elements it streams. Finished outputs are written to DRAM once. Everything fetched from
 * DRAM is written into its scratchpad once; biases are not modelled.
 *
 * <p><b>Stalls.</b> The scratchpads are double-buffered towards DRAM: the data of fold f is
 * fetched while fold f-1 computes, and the outputs of fold f drain while fold f+1 computes. With
 * {@code T(bytes) = ceil(bytes / dramBytesPerCycle)}, the array waits before fold f for
 * {@code max(0, T(read_f + write_{f-2}) - compute_{f-1})} cycles, and before the first fold for
 * {@code T(read_0)}; after the last fold F-1 it waits
 * {@code max(0, T(write_{F-2}) - compute_{F-1}) + T(write_{F-1})} for the remaining outputs to
 * leave. Layers do not overlap.
 */
public final class MemoryModel {
    private final ArrayConfig cfg;
    private final int elementBytes;
    private final boolean inputResident;
    private final boolean weightsResident;
    private final long residentInputElements;

    private long folds;
    private long macs;
    private long compute;
    private long stall;
    private long slots;
    private long inputReads;
    private long inputWrites;
    private long weightReads;
    private long weightWrites;
    private long outputReads;
    private long outputWrites;
    private long dramRead;
    private long dramWrite;
    private long previousCompute;
    private long writeBack1; // outputs of the previous fold, bytes
    private long writeBack2; // outputs of the fold before it, bytes

    /**
     * @param residentInputElements  input elements a fold may find resident (a group's input)
     * @param residentWeightElements weight elements a fold may find resident (a group's weights)
     */
    public MemoryModel(ArrayConfig cfg, long residentInputElements, long residentWeightElements) {
        this.cfg = cfg;
        this.elementBytes = cfg.elementBytes();
        this.residentInputElements = residentInputElements;
        this.inputResident = residentInputElements * elementBytes <= cfg.inputSramBytes();
        this.weightsResident = residentWeightElements * elementBytes <= cfg.weightSramBytes();
    }

    /** For an array layer: a group's input and weights. */
    public static MemoryModel forGemm(ArrayConfig cfg, ImplicitGemm g) {
        return new MemoryModel(cfg, g.inputElements() / g.groups(), g.weightElements() / g.groups());
    }

    /** For a pooling layer: the whole input, no weights. */
    public static MemoryModel forPool(ArrayConfig cfg, ImplicitGemm p) {
        return new MemoryModel(cfg, p.inputElements(), 0);
    }

    public boolean inputResident() {
        return inputResident;
    }

    public boolean weightsResident() {
        return weightsResident;
    }

    private long transfer(long bytes) {
        return (long) Math.ceil(bytes / cfg.dramBytesPerCycle());
    }

    /** Accounts one fold that kept its unit busy for {@code computeCycles}. */
    public void accept(Fold f, long computeCycles) {
        long weightFetch = weightsResident ? (f.weightsFirstUse() ? f.weightTile() : 0) : f.weightTile();
        long inputFetch = inputResident ? (f.groupStart() ? residentInputElements : 0) : f.inputTile();
        long read = (weightFetch + inputFetch) * elementBytes;
        long wait = transfer(read + writeBack2);
        stall += folds == 0 ? wait : Math.max(0, wait - previousCompute);
        folds++;
        macs += f.macs();
        compute += computeCycles;
        slots += f.slots();
        inputReads += f.inputReads();
        inputWrites += inputFetch;
        weightReads += f.weightReads();
        weightWrites += weightFetch;
        outputReads += f.accReads() + f.outputs();
        outputWrites += f.accWrites();
        dramRead += read;
        long written = f.outputs() * elementBytes;
        dramWrite += written;
        previousCompute = computeCycles;
        writeBack2 = writeBack1;
        writeBack1 = written;
    }

    /** The layer's figures, once every fold was accepted. */
    public LayerStats finish(String name, String type, LayerStats.Unit unit) {
        long tail = Math.max(0, transfer(writeBack2) - previousCompute) + transfer(writeBack1);
        boolean pool = unit == LayerStats.Unit.POOL;
        long units = pool ? cfg.poolingLanes() : cfg.pes();
        long work = pool ? inputReads : macs; // the pooling unit's work is the window elements it reads
        return new LayerStats(name, type, unit, macs, work, units, folds, compute, stall + tail, slots, inputReads,
                inputWrites, weightReads, weightWrites, outputReads, outputWrites, dramRead, dramWrite, 0, 0);
    }
}
