package io.systole.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccountingTest {

    @Test
    void alexnetFirstConvolution() {
        Network net = Network.builder("a", Shape.chw(3, 227, 227))
                .add(Zoo.conv("conv1", 3, 96, 11, 4, 0)).build();
        Accounting.Row r = Accounting.of(net).row("conv1");
        assertEquals(Shape.chw(96, 55, 55), r.output());
        assertEquals(290_400, r.units());
        assertEquals(34_944, r.params());
        // 55*55*96*(11*11*3 + 1) = 290,400 * 364
        assertEquals(105_705_600L, r.paramsUnshared());
        assertEquals(3L * 227 * 227 * 290_400 + 290_400, r.paramsDense());
        assertEquals(290_400L * 363, r.macs());
        assertEquals(290_400L * 4, r.activationBytes());
    }

    @Test
    void lenetFirstConvolutionOn28x28() {
        Accounting.Row r = Accounting.of(Zoo.get("lenet5-28")).row("conv1");
        assertEquals(3_456, r.units());
        assertEquals(156, r.params());
        assertEquals(89_856, r.paramsUnshared());
        assertEquals(3_456L * 25, r.macs());
    }

    @Test
    void zooAlexnetTotalsAndConvolutionMacs() {
        Accounting acc = Accounting.of(Zoo.get("alexnet"));
        long convMacs = acc.rows().stream().filter(r -> r.type().equals("conv2d")).mapToLong(Accounting.Row::macs).sum();
        assertEquals(105_415_200L + 447_897_600L + 149_520_384L + 224_280_576L + 149_520_384L, convMacs);
        long params = Zoo.get("alexnet").parameters().stream().mapToLong(Parameter::size).sum();
        assertEquals(params, acc.total().params());
        assertEquals(62_378_344L, acc.total().params());
    }

    @Test
    void tiedParametersCountOnceButUnsharedCountsEveryUse() {
        Accounting acc = Accounting.of(Zoo.get("tied-mlp"));
        assertEquals(272, acc.row("hidden").params());
        assertEquals(0, acc.row("hidden#2").params());
        assertTrue(acc.row("hidden#2").tied());
        assertEquals(272, acc.row("hidden#3").paramsUnshared());
        assertEquals(272 + 272 + 68, acc.total().params());
        assertEquals(272 * 4 + 68, acc.total().paramsUnshared());
        long sum = acc.rows().stream().mapToLong(Accounting.Row::params).sum();
        assertEquals(acc.total().params(), sum);
    }

    @Test
    void layersSharingOneParameterObjectCountItOnce() {
        Parameter w = new Parameter("shared.weight", 4, 2, 3, 3);
        Conv2d a = Conv2d.builder().setName("a").setInChannels(2).setOutChannels(4).setKernel(3).optPadding(1)
                .optWeight(w).build();
        Conv2d b = Conv2d.builder().setName("b").setInChannels(4).setOutChannels(4).setKernel(3).optPadding(1)
                .optGroups(2).optWeight(w).optBias(false).build();
        Network net = Network.builder("n", Shape.chw(2, 6, 6)).add(a).add(b).build();
        Accounting acc = Accounting.of(net);
        assertEquals(72 + 4, acc.total().params());
        assertTrue(acc.row("b").tied());
        assertEquals(36L * 72, acc.row("b").paramsUnshared());
    }

    @Test
    void groupedAndDilatedConvolutionCounts() {
        Conv2d c = Conv2d.builder().setName("c").setInChannels(6).setOutChannels(9).setKernel(3).optGroups(3)
                .optDilation(2).optStride(2).build();
        Network net = Network.builder("n", Shape.chw(6, 11, 11)).add(c).build();
        Accounting.Row r = Accounting.of(net).row("c");
        assertEquals(Shape.chw(9, 4, 4), r.output());
        assertEquals(9 * (2 * 9 + 1), r.params());
        assertEquals(16L * 9 * 19, r.paramsUnshared());
        assertEquals(16L * 9 * 18, r.macs());
    }
}
