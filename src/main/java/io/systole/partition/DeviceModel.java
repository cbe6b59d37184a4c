package io.systole.partition;

import io.systole.arith.F32;
import io.systole.arith.NumberFormat;
import io.systole.model.Layer;
import io.systole.model.Network;

/**
 * What the partitioner knows of a device: what it runs and what that costs. Times in seconds.
 */
public interface DeviceModel {
    /** Registry id: {@code jvm}, {@code sim}, {@code opencl:0}, ... */
    String id();

    /** Whether this is an accelerator (convolution and pooling go to one by default). */
    boolean accelerator();

    /** Whether the device can run the layer. */
    boolean supports(Layer layer);

    /**
     * Whether the device computes values in a number format (f32, an int8 format, a fixed-point
     * format; see {@code QuantizedNetwork#formats} for those of a quantized node). By default
     * float32 only.
     */
    default boolean computes(NumberFormat format) {
        return format instanceof F32;
    }

    /** Estimated time of one node for a batch, excluding launch overhead. */
    double computeSeconds(Network net, Network.Node node, int batch);

    /** Fixed cost of one kernel launch (0 on the host). */
    double launchSeconds();

    /** Host link bandwidth in bytes per second; infinite for the host itself. */
    double linkBytesPerSecond();
}
