package io.systole.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.FixedFormat;
import io.systole.arith.NumberFormat;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import io.systole.sim.FastEngine;
import io.systole.sim.PeEngine;
import io.systole.sim.Simulator;
import io.systole.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The integer reference, the fast engine (vector and scalar paths) and the PE-level engine give
 * the same bits for every tensor of whole quantized networks, and both engines the same report,
 * in int8 (both requantization modes, wrapping and narrow saturating accumulators) and fixed
 * point (two formats, and per-layer formats), for both dataflows at two array sizes.
 */
class SimulatorAgreementTest {
    private static final String[] FORMATS = {"int8", "int8<32,WRAP,FLOAT_SCALE>", "int8<16,SATURATE>",
        "int8<16,WRAP,FLOAT_SCALE>", "fixed<16,6,RND,SAT>", "fixed<8,1,RND_CONV,WRAP>", "per-layer"};
    /** Formats whose accumulators or outputs must overflow somewhere in every network, or the test proves less. */
    private static final String[] NARROW = {"int8<16,SATURATE>", "int8<16,WRAP,FLOAT_SCALE>",
        "fixed<8,1,RND_CONV,WRAP>"};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String net : new String[] {"tiny", "lenet5-28", "awkward"}) {
            for (String f : FORMATS) {
                for (Dataflow d : Dataflow.values()) {
                    for (int[] size : new int[][] {{4, 4}, {7, 5}}) {
                        out.add(Arguments.of(net, f, d, size[0], size[1]));
                    }
                }
            }
        }
        return out.stream();
    }

    static Network network(String name) {
        return QuantTesting.withBiases(name.equals("awkward") ? QuantTesting.awkward() : Zoo.get(name), 3);
    }

    /** The network quantized in a format; {@code per-layer} is fixed<16,6,RND,SAT> with two layers in their own. */
    static QuantizedNetwork quantize(Network net, String format, Tensor calibration) {
        Calibration cal = Calibration.minMax(net, calibration);
        if (format.equals("per-layer")) {
            String second = net.name().equals("lenet5-28") ? "conv2" : net.name().equals("tiny") ? "conv3" : "conv2";
            return Quantizer.fixed(net, FixedFormat.parse("fixed<16,6,RND,SAT>"), Map.of(second,
                    FixedFormat.parse("fixed<10,2,TRN_ZERO,SAT_SYM>"), net.nodes().get(net.nodes().size() - 2).name(),
                    FixedFormat.parse("fixed<20,9,RND_CONV,SAT>")), cal).network();
        }
        return Quantizer.quantize(net, NumberFormat.parse(format), cal).network();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}x{4}")
    @MethodSource("cases")
    void engineRunsEqualTheIntegerReference(String name, String format, Dataflow dataflow, int rows, int cols) {
        Network net = network(name);
        Tensor x = QuantTesting.input(net, 2, -0.25, 1, rows * 31 + cols);
        QuantizedNetwork q = quantize(net, format, QuantTesting.input(net, 4, -0.25, 1, 99));
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(q.format()).withSize(rows, cols).withDataflow(dataflow);
        Map<String, Tensor> want = IntegerReference.forwardAll(q, cfg, x);
        Simulator.Run fast = new QuantizedSimulator(cfg, new FastEngine(false)).run(q, x);
        Simulator.Run scalar = new QuantizedSimulator(cfg, new FastEngine(true)).run(q, x);
        Simulator.Run pe = new QuantizedSimulator(cfg, new PeEngine()).run(q, x);
        QuantTesting.assertSameTensors("fast engine", want, fast.values());
        QuantTesting.assertSameTensors("scalar fast engine", want, scalar.values());
        QuantTesting.assertSameTensors("PE engine", want, pe.values());
        assertEquals(fast.report(), pe.report());
        assertEquals(fast.report(), scalar.report());
        assertTrue(fast.report().total().cycles() > 0);
        if (List.of(NARROW).contains(format)) {
            assertTrue(fast.report().total().overflows() > 0, format + " never overflows");
        }
    }
}
