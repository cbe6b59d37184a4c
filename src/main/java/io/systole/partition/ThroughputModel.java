package io.systole.partition;

import io.systole.model.Accounting;
import io.systole.model.Conv2d;
import io.systole.model.Dense;
import io.systole.model.Layer;
import io.systole.model.Network;
import java.util.function.Predicate;

/**
 * A device described by calibrated throughput: convolution and dense layers cost
 * {@code 2 * MACs / flopsPerSecond}; every other layer streams its input and output once,
 * {@code (in + out elements) * elementBytes / memoryBytesPerSecond}.
 *
 * @param id                   registry id
 * @param accelerator          whether convolution and pooling prefer it
 * @param supported            which layers it runs
 * @param flopsPerSecond       sustained FLOP/s on convolution and dense layers
 * @param memoryBytesPerSecond sustained bytes/s on elementwise and pooling layers
 * @param elementBytes         bytes per element of the data format
 * @param launchSeconds        fixed cost of one launch
 * @param linkBytesPerSecond   host link bandwidth (infinite for the host)
 */
public record ThroughputModel(String id, boolean accelerator, Predicate<Layer> supported, double flopsPerSecond,
        double memoryBytesPerSecond, int elementBytes, double launchSeconds, double linkBytesPerSecond)
        implements DeviceModel {

    @Override
    public boolean supports(Layer layer) {
        return supported.test(layer);
    }

    @Override
    public double computeSeconds(Network net, Network.Node node, int batch) {
        Layer l = node.layer();
        if (l instanceof Conv2d || l instanceof Dense) {
            long macs = Accounting.macs(net, node);
            return 2.0 * macs * batch / flopsPerSecond;
        }
        long elements = node.output().size();
        for (String in : node.inputs()) {
            elements += net.shapeOf(in).size();
        }
        return (double) elements * batch * elementBytes / memoryBytesPerSecond;
    }
}
