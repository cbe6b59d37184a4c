package io.systole.backend;

import io.systole.partition.DeviceModel;
import io.systole.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contract every device implements: what it supports and what that costs (as a
 * {@link DeviceModel} for the partitioner), and running a {@link Stage} of consecutive nodes with
 * every tensor inside the stage resident on the device. Only the stage's input crosses in and
 * only the wanted outputs cross back. Every step's time is reported.
 */
public interface Backend extends DeviceModel, AutoCloseable {
    /** One line: what the device is. */
    String description();

    /** Peak operations per second (2 per MAC), measured or from the hardware's figures. */
    double peakFlops();

    /**
     * Runs a stage on a batch held on the host; returns the wanted nodes' outputs (host tensors)
     * and the time of every node. A quantized stage ({@link Stage#quantized()}) reads and writes
     * tensors in their encodings (int8, raw fixed point in int32); it is only given to a device
     * that {@link #computes} every format of its nodes.
     */
    StageResult run(Stage stage, Tensor input, Set<String> wanted);

    @Override
    default void close() {
    }

    /** Where one node's time went, in seconds. */
    record NodeTiming(String node, double kernelSeconds, double transferSeconds, double hostSeconds) {
        public double seconds() {
            return kernelSeconds + transferSeconds + hostSeconds;
        }
    }

    /** A stage's outputs by node name and its nodes' timings in order. */
    record StageResult(Map<String, Tensor> outputs, List<NodeTiming> timings) {
    }
}
