package io.systole.profile;

/**
 * One node's measured and simulated figures. Times are seconds per batch (mean over the
 * repetitions); traffic in elements (scratchpads) and bytes (DRAM).
 *
 * @param node            node name
 * @param type            layer type
 * @param device          device it ran on
 * @param kernelSeconds   time in device kernels
 * @param transferSeconds time moving tensors between host and device
 * @param hostSeconds     the rest: host-side work and overhead
 * @param flops           floating-point (or integer) operations of the batch, 2 per MAC
 * @param peakFlops       the device's peak FLOP/s (0 when unknown)
 * @param simCycles       simulated array cycles (compute + stall) for the batch
 * @param simUtilization  simulated array utilization, 0..1
 * @param sramReads       simulated scratchpad reads
 * @param sramWrites      simulated scratchpad writes
 * @param dramReadBytes   simulated DRAM bytes read
 * @param dramWriteBytes  simulated DRAM bytes written
 */
public record LayerProfile(String node, String type, String device, double kernelSeconds, double transferSeconds,
        double hostSeconds, long flops, double peakFlops, long simCycles, double simUtilization, long sramReads,
        long sramWrites, long dramReadBytes, long dramWriteBytes) {

    public double seconds() {
        return kernelSeconds + transferSeconds + hostSeconds;
    }

    /**
     * Achieved GOP/s, billions of operations (floating-point or integer) per second over the whole
     * measured time (0 for layers without MACs).
     */
    public double gflops() {
        return seconds() > 0 ? flops / seconds() / 1e9 : 0;
    }

    /** Achieved fraction of the device's peak, 0 when the peak is unknown. */
    public double peakFraction() {
        return peakFlops > 0 ? gflops() * 1e9 / peakFlops : 0;
    }

    /** Operations per DRAM byte in the simulated array: the roofline's x axis. */
    public double intensity() {
        long bytes = dramReadBytes + dramWriteBytes;
        return bytes > 0 ? (double) flops / bytes : 0;
    }
}
