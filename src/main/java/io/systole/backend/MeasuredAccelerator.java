package io.systole.backend;

import io.systole.model.Network;
import io.systole.partition.MeasuredCost;

/** An accelerator whose cost model is what it measured at start-up ({@link MeasuredCost}). */
public interface MeasuredAccelerator extends Backend {
    /** The figures measured when the device was opened. */
    MeasuredCost cost();

    @Override
    default boolean accelerator() {
        return true;
    }

    /** The throughput measured on the reference convolution. */
    @Override
    default double peakFlops() {
        return cost().flopsPerSecond();
    }

    @Override
    default double computeSeconds(Network net, Network.Node node, int batch) {
        return cost().computeSeconds(net, node, batch);
    }

    @Override
    default double launchSeconds() {
        return cost().launchSeconds();
    }

    @Override
    default double linkBytesPerSecond() {
        return cost().linkBytesPerSecond();
    }
}
