package io.systole.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.systole.arith.NumberFormat;
import io.systole.model.Network;
import io.systole.model.ReLU;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.Dataflow;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exported projects built with g++ and run: the C simulation of every layer must equal the Java
 * simulator's output bit for bit. One build per project.
 */
class CsimTest {
    private static final List<String> LENET5 = List.of("conv1", "pool1", "conv2", "pool2", "conv3");
    private static final List<String> LENET5_28 = List.of("conv1", "pool1", "conv2", "pool2");
    /** Environment variable naming a folder with the vendor's ap_fixed.h and ap_int.h. */
    static final String AP_INCLUDE = "SYSTOLE_AP_INCLUDE";

    @TempDir
    Path dir;

    /**
     * LeNet-5's convolutions and pooling (lenet5: average pooling, lenet5-28: max pooling) in int8
     * and two fixed-point formats, on a 16x16 and a 7x5 array, both dataflows; once with the
     * weights passed through an AXI port. Float inputs are uniform in [0, inputScale), scaled so
     * that the fixed formats overflow (and the narrow int8 accumulator saturates).
     */
    @ParameterizedTest(name = "{0} {1} {2}x{3} {4}")
    @CsvSource(delimiter = ';', value = {
        "lenet5-28; int8;                              16; 16; ws;  4; 65536; true",
        "lenet5;    int8<18,SATURATE,FLOAT_SCALE>;      7;  5; os;  4; 65536; false",
        "lenet5;    fixed<16,6,RND,SAT>;               16; 16; ws; 32; 65536; false",
        "lenet5-28; fixed<16,6,RND,SAT>;                7;  5; os; 32;     0; false",
        "lenet5;    fixed<12,4,RND_CONV,SAT_SYM>;       7;  5; ws;  4; 65536; false",
        "lenet5-28; fixed<12,4,RND_CONV,SAT_SYM>;      16; 16; os;  4; 65536; false",
    })
    void lenetMatchesTheSimulator(String model, String format, int rows, int cols, String dataflow, double inputScale,
            long weightLimit, boolean plant) throws Exception {
        ArrayConfig cfg = ArrayConfig.DEFAULT.withName("csim").withFormat(NumberFormat.parse(format))
                .withSize(rows, cols).withDataflow(Dataflow.parse(dataflow));
        List<String> names = model.equals("lenet5") ? LENET5 : LENET5_28;
        List<HlsLayer> layers = Quantized.layers(Zoo.get(model), cfg, names, inputScale, 7);
        HlsProject.Builder b = HlsProject.builder(cfg).setSource(model).optWeightHeaderLimit(weightLimit);
        layers.forEach(b::addLayer);
        HlsProject project = b.build();
        if (!format.equals("int8")) {
            assertTrue(project.estimate().report().total().overflows() > 0,
                    "the inputs should drive " + format + " into overflow");
        }
        Path out = dir.resolve("project");
        project.write(out);
        assertEquals(weightLimit == 0, Files.exists(out.resolve("data/conv1.weight.npy")));

        Csim.Result r = Csim.make(out);
        assertEquals(0, r.code(), r.output());
        for (HlsLayer l : layers) {
            assertTrue(r.output().contains(l.name() + ": PASS"), r.output());
        }
        assertTrue(r.output().strip().endsWith("PASS"), r.output());
        if (plant) {
            plantedDifferenceIsNamed(out);
        }
    }

    /**
     * One wrong golden value: the bench names the layer and index with both values and exits 1;
     * layers chosen by name or top function run alone.
     */
    private static void plantedDifferenceIsNamed(Path project) throws Exception {
        Path golden = project.resolve("data/conv2.golden.npy");
        Tensor t = Npy.read(golden);
        int index = 123;
        byte right = t.bytes()[index];
        byte wrong = (byte) (right + 1);
        t.bytes()[index] = wrong;
        Npy.write(golden, t);
        Csim.Result r = Csim.run(project, List.of("./build/csim"));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("conv2: FAIL at index " + index + ": expected " + wrong + ", got " + right),
                r.output());
        assertTrue(r.output().contains("conv1: PASS") && r.output().strip().endsWith("FAIL"), r.output());

        Csim.Result chosen = Csim.run(project, List.of("./build/csim", "pool1", "conv1_top"));
        assertEquals(0, chosen.code(), chosen.output());
        assertTrue(chosen.output().contains("pool1: PASS") && chosen.output().contains("conv1: PASS")
                && !chosen.output().contains("conv2"), chosen.output());
    }

    /**
     * The optional build with the vendor's ap_fixed and ap_int types, where their headers are
     * present: a folder holding ap_fixed.h named by the environment variable {@value #AP_INCLUDE}.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
        "lenet5;    int8<18,SATURATE,FLOAT_SCALE>;  ws;  4",
        "lenet5;    fixed<12,4,RND_CONV,SAT_SYM>;   os;  4",
        "lenet5-28; fixed<10,3,TRN_ZERO,SAT_ZERO>;  ws;  8",
    })
    void vendorTypesMatchTheSimulator(String model, String format, String dataflow, double inputScale)
            throws Exception {
        String include = System.getenv(AP_INCLUDE);
        assumeTrue(include != null && Files.isRegularFile(Path.of(include, "ap_fixed.h")),
                "needs the vendor's ap_fixed.h in the folder named by " + AP_INCLUDE);
        ArrayConfig cfg = ArrayConfig.DEFAULT.withName("csim").withFormat(NumberFormat.parse(format)).withSize(6, 5)
                .withDataflow(Dataflow.parse(dataflow));
        List<String> names = model.equals("lenet5") ? LENET5 : LENET5_28;
        HlsProject.Builder b = HlsProject.builder(cfg).setSource(model);
        Quantized.layers(Zoo.get(model), cfg, names, inputScale, 7).forEach(b::addLayer);
        Path out = dir.resolve("project");
        b.build().write(out);
        Csim.Result r = Csim.run(out, List.of("make", "-s", "csim", "AP_INCLUDE=" + include));
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().strip().endsWith("PASS"), r.output());
    }

    /** AlexNet's first convolution, the full 227x227x3 input, batch 1, int8 on a 16x16 array. */
    @Test
    void alexnetConv1MatchesTheSimulator() throws Exception {
        ArrayConfig cfg = ArrayConfig.DEFAULT.withName("csim").withFormat(NumberFormat.parse("int8"));
        Network alexnet = Zoo.get("alexnet");
        Network conv1 = Network.builder("alexnet", alexnet.inputShape()).add(alexnet.node("conv1").layer())
                .add(new ReLU("relu1")).build();
        List<HlsLayer> layers = Quantized.layers(conv1, cfg, List.of("conv1"), 1.0, 7);
        Path out = dir.resolve("alexnet");
        HlsProject.builder(cfg).setSource("alexnet").addLayer(layers.getFirst()).build().write(out);
        Csim.Result r = Csim.make(out);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("conv1: PASS (290400 values"), r.output());
    }
}
