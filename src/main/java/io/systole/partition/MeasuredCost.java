package io.systole.partition;

import io.systole.model.Accounting;
import io.systole.model.Flatten;
import io.systole.model.Network;

/**
 * The cost model of an accelerator measured once at start-up: convolution and dense layers cost
 * {@code 2 * MACs / flopsPerSecond}, other layers stream their float32 output over the link, a
 * flatten is a free view.
 *
 * @param flopsPerSecond     measured throughput on a reference convolution
 * @param linkBytesPerSecond measured host-to-device bandwidth
 * @param launchSeconds      measured cost of one kernel launch
 */
public record MeasuredCost(double flopsPerSecond, double linkBytesPerSecond, double launchSeconds) {

    public double computeSeconds(Network net, Network.Node node, int batch) {
        if (node.layer() instanceof Flatten) {
            return 0;
        }
        long macs = Accounting.macs(net, node);
        return macs > 0 ? 2.0 * macs * batch / flopsPerSecond : node.output().size() * batch * 4.0 / linkBytesPerSecond;
    }
}
