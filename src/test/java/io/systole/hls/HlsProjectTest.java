package io.systole.hls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.arith.NumberFormat;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.ArrayLayer;
import io.systole.sim.FastEngine;
import io.systole.sim.LayerStats;
import io.systole.sim.Operands;
import io.systole.sim.Report;
import io.systole.sim.Simulator;
import io.systole.tensor.Npy;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's files, its estimate, and its refusals; no compiler needed. */
class HlsProjectTest {
    @TempDir
    Path dir;

    private static ArrayConfig int8(int rows, int cols) {
        return ArrayConfig.DEFAULT.withName("small").withFormat(NumberFormat.parse("int8")).withSize(rows, cols);
    }

    private static HlsProject lenet(ArrayConfig cfg) {
        List<HlsLayer> layers = Quantized.layers(Zoo.get("lenet5-28"), cfg, List.of("conv1", "pool1"), 1.0, 3);
        return HlsProject.builder(cfg).setSource("lenet5-28").addLayer(layers.get(0)).addLayer(layers.get(1)).build();
    }

    @Test
    void layoutAndFirstLines() throws Exception {
        ArrayConfig cfg = int8(4, 6);
        HlsProject p = lenet(cfg);
        Map<String, byte[]> f = p.files();
        assertEquals(Set.of("README.md", "params.h", "systole_arith.h", "systole_array.h", "systole_tb.h",
                "testbench.cpp", "Makefile", "layer_conv1.h", "layer_pool1.h", "layers.h", "layers.cpp",
                "testbench_cases.h", "run_hls.tcl", "estimate.json", "data/conv1.input.npy", "data/conv1.golden.npy",
                "data/pool1.input.npy", "data/pool1.golden.npy"), f.keySet());
        assertEquals(ParamsHeader.of(cfg), text(f, "params.h"));
        for (String name : f.keySet()) {
            if (name.endsWith(".npy") || name.endsWith(".json")) {
                continue;
            }
            String first = text(f, name).lines().findFirst().orElseThrow();
            assertTrue(first.matches("(//|#|<!--) (Generated|Copied) by systole.*"), name + ": " + first);
            assertTrue(first.contains("Do not edit"), name + ": " + first);
        }
        String cpp = text(f, "layers.cpp");
        assertTrue(cpp.contains("void conv1_top(const systole::data_t in[784], systole::data_t out[3456])"), cpp);
        assertTrue(cpp.contains("#pragma HLS INTERFACE m_axi port=in offset=slave bundle=gmem0 depth=784"), cpp);
        assertTrue(cpp.contains("#pragma HLS INTERFACE s_axilite port=return"), cpp);
        String array = text(f, "systole_array.h");
        assertTrue(array.contains("#pragma HLS PIPELINE II=1") && array.contains("#pragma HLS ARRAY_PARTITION variable=w"),
                array);
        String tcl = text(f, "run_hls.tcl");
        assertTrue(tcl.contains("csim_design") && tcl.contains("csynth_design") && tcl.contains("cosim_design")
                && tcl.contains("export_design") && tcl.contains("set_part $part") && tcl.contains("create_clock"), tcl);

        Path out = dir.resolve("out");
        p.write(out);
        for (Map.Entry<String, byte[]> e : f.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(out.resolve(e.getKey())), e.getKey());
        }
        assertArrayEquals(new int[] {1, 6, 24, 24}, Npy.read(out.resolve("data/conv1.golden.npy")).shape());
    }

    @Test
    void estimateStatesItsModelAndTakesLatencyFromTheSimulator() throws Exception {
        ArrayConfig cfg = int8(4, 6);
        HlsProject p = lenet(cfg);
        Estimate e = p.estimate();
        assertEquals(1, e.dspPerMultiplier());
        assertEquals(4 * 6 + 6 * 4, e.dsp());
        assertTrue(e.bram18() >= 4 + 6 + 6, "one block per bank at least");
        assertTrue(e.lut() > 0 && e.ff() > 0);
        Report timing = new Simulator(cfg, new FastEngine()).timing(Zoo.get("lenet5-28"), 1);
        for (String layer : List.of("conv1", "pool1")) {
            LayerStats sim = timing.layer(layer);
            assertEquals(sim.cycles(), e.report().layer(layer).cycles(), layer);
        }
        JsonNode json = new ObjectMapper().readTree(p.files().get("estimate.json"));
        assertEquals("estimate", json.get("label").asText());
        assertTrue(json.get("model").asText().startsWith("Estimate, not a synthesis result."));
        assertEquals(e.dsp(), json.get("dsp").get("total").asLong());
        assertEquals(e.cycles(), json.get("latency").get("total_cycles").asLong());
        assertTrue(e.summary().startsWith("resource and latency estimate (a model, not a synthesis result"));

        ArrayConfig wide = cfg.withFormat(NumberFormat.parse("fixed<32,8,RND,SAT>"));
        assertEquals(4, Estimate.of(wide, e.report(), 0).dspPerMultiplier());
        assertEquals(0, Estimate.of(wide, e.report(), 0).dspOutput());
    }

    @Test
    void float32IsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HlsProject.builder(ArrayConfig.DEFAULT));
        assertTrue(e.getMessage().contains("the HLS export is for int8 and fixed-point arrays"), e.getMessage());
    }

    @Test
    void operandsOfAnotherFormatAreRefusedByLayerName() {
        ArrayConfig cfg = int8(4, 4);
        HlsLayer.Gemm conv = (HlsLayer.Gemm) Quantized.layers(Zoo.get("lenet5-28"), cfg, List.of("conv1"), 1.0, 3)
                .getFirst();
        var g = conv.layer().gemm();
        HlsLayer wrong = new HlsLayer.Gemm(new ArrayLayer(g, new Operands.FixedLayer(new int[(int) g.weightElements()],
                null, false)), conv.input());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HlsProject.builder(cfg).setSource("lenet5-28").addLayer(wrong).build());
        assertTrue(e.getMessage().contains("conv1"), e.getMessage());
    }

    @Test
    void writingIsAllOrNothing() throws Exception {
        HlsProject p = lenet(int8(4, 4));
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("keep.txt"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> p.write(busy));
        try (var s = Files.list(busy)) {
            assertEquals(List.of(busy.resolve("keep.txt")), s.toList());
        }
        Path empty = Files.createDirectories(dir.resolve("empty"));
        p.write(empty);
        assertTrue(Files.isRegularFile(empty.resolve("params.h")));
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(q -> q.getFileName().toString().startsWith(".")), "no temporary folder is left");
        }
    }

    private static String text(Map<String, byte[]> f, String name) {
        return new String(f.get(name), StandardCharsets.UTF_8);
    }
}
