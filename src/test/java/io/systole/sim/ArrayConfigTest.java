package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.arith.FixedFormat;
import io.systole.arith.Int8Format;
import io.systole.arith.NumberFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrayConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void indexListsExactlyThePresetFiles() throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(Path.of("sim/presets"))) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertEquals(files, ArrayConfig.presetNames().stream().sorted().toList());
    }

    @Test
    void everyPresetLoadsAndRoundTrips() {
        for (String name : ArrayConfig.presetNames()) {
            ArrayConfig c = ArrayConfig.preset(name);
            assertEquals(name, c.name());
            assertEquals(c, ArrayConfig.fromJson(c.toJson(), "round trip of " + name));
        }
        ArrayConfig tpu = ArrayConfig.preset("tpu-like");
        assertEquals(256, tpu.rows());
        assertEquals(Int8Format.DEFAULT, tpu.format());
        assertEquals(1, tpu.elementBytes());
        ArrayConfig eyeriss = ArrayConfig.preset("eyeriss-like");
        assertEquals(Dataflow.OS, eyeriss.dataflow());
        assertEquals(new FixedFormat(48, 48 - 16), new FixedFormat(eyeriss.accumulatorFormat().width(),
                eyeriss.accumulatorFormat().intBits()));
        assertEquals(2, eyeriss.elementBytes());
    }

    @Test
    void missingFieldsTakeDefaults() throws IOException {
        ArrayConfig c = ArrayConfig.fromJson(JSON.readTree("{\"rows\": 8, \"format\": \"int8<24>\"}"), "t");
        assertEquals(8, c.rows());
        assertEquals(ArrayConfig.DEFAULT.cols(), c.cols());
        assertEquals(24, c.accumulatorBits());
        assertEquals("custom", c.name());
        assertEquals(ArrayConfig.DEFAULT.cols(), c.poolingLanes());
    }

    @Test
    void withFormatResetsTheAccumulatorWidth() {
        ArrayConfig c = ArrayConfig.DEFAULT.withFormat(NumberFormat.parse("fixed<16,6,RND,SAT>"));
        assertEquals(48, c.accumulatorBits());
        assertEquals(2, c.elementBytes());
        assertEquals(6, c.accumulatorBytes());
        assertEquals(32, c.withFormat(NumberFormat.parse("f32")).accumulatorBits());
    }

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class,
                () -> ArrayConfig.fromJson(JSON.readTree(json), "file x.json")).getMessage();
    }

    @Test
    void badConfigurationsNameTheFieldAndTheProblem() {
        assertTrue(error("{\"rows\": 0}").contains("rows must be in 1..4096, got 0"), error("{\"rows\": 0}"));
        assertTrue(error("{\"accumulator_bits\": 24}").contains("accumulator_bits must be 32 for f32"));
        assertTrue(error("{\"format\": \"int8\", \"accumulator_bits\": 24}").contains("int8<24>"));
        assertTrue(error("{\"colour\": 1}").startsWith("file x.json: unknown field 'colour'"));
        assertTrue(error("{\"rows\": \"8\"}").contains("field 'rows' must be an integer"));
        assertTrue(error("{\"format\": \"float16\"}").contains("unknown number format"));
        assertTrue(error("{\"weight_sram_bytes\": 1024}").contains("weight_sram_bytes = 1024 cannot hold 2 weight"
                + " tile(s) of 16x16 4-byte weights (2048 bytes)"), error("{\"weight_sram_bytes\": 1024}"));
        assertTrue(error("{\"dram_bytes_per_cycle\": 0}").contains("dram_bytes_per_cycle must be a positive number"));
        assertTrue(error("{\"format\": \"fixed<16,6>\", \"accumulator_bits\": 4}").contains("cannot hold products"));
    }

    @Test
    void resolvesPresetsAndFiles(@TempDir Path dir) throws IOException {
        assertEquals(ArrayConfig.preset("8x8-os"), ArrayConfig.resolve("8x8-os"));
        Path f = dir.resolve("mine.json");
        Files.writeString(f, "{\"name\": \"mine\", \"rows\": 4, \"cols\": 6, \"dataflow\": \"os\"}");
        ArrayConfig c = ArrayConfig.resolve(f.toString());
        assertEquals("mine", c.name());
        assertEquals(Dataflow.OS, c.dataflow());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ArrayConfig.resolve("nope")).getMessage()
                .contains("neither an array preset"));
    }
}
