package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.cli.SimulateCommandTest.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code systole export-hls}: a project that passes its C simulation, and refusals that write nothing. */
class ExportHlsCommandTest {
    @TempDir
    Path dir;

    private static Result export(String... args) {
        return QuantizeCommandTest.run(new ExportHlsCommand(), args);
    }

    @Test
    void exportedLenetPassesItsCSimulation() throws Exception {
        Path out = dir.resolve("lenet");
        Result r = export("lenet5-28", "--array", "8x8", "--dataflow", "os", "--format", "int8", "--layers",
                "conv1,pool1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("exported lenet5-28 (conv1, pool1) on array custom (8x8 os, int8)"), r.out());
        assertTrue(r.out().contains("resource and latency estimate (a model, not a synthesis result"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("params.h")) && Files.isRegularFile(out.resolve("estimate.json")));

        Process make = new ProcessBuilder("make", "-s", "csim").directory(out.toFile()).redirectErrorStream(true)
                .start();
        String log = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, make.exitValue(), log);
        assertTrue(log.contains("conv1: PASS") && log.contains("pool1: PASS") && log.strip().endsWith("PASS"), log);
    }

    @Test
    void jsonPrintsTheEstimate() throws IOException {
        Result r = export("lenet5-28", "--format", "fixed<12,4,RND_CONV,SAT_SYM>", "--layers", "pool1", "--json",
                "--out", dir.resolve("p").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("estimate", new ObjectMapper().readTree(r.out()).get("label").asText());
    }

    @Test
    void unknownLayerIsNamedAndNothingIsWritten() {
        Path out = dir.resolve("none");
        Result r = export("lenet5-28", "--format", "int8", "--layers", "conv1,conv9", "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no layer 'conv9'") && r.err().contains("conv1, pool1, conv2, pool2, fc1"), r.err());
        assertFalse(Files.exists(out));

        Result host = export("lenet5-28", "--format", "int8", "--layers", "relu1", "--out", out.toString());
        assertEquals(1, host.code());
        assertTrue(host.err().contains("layer 'relu1'") && host.err().contains("runs on the host"), host.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void float32IsRefusedWithAClearMessage() {
        Path out = dir.resolve("none");
        Result r = export("lenet5-28", "--format", "f32", "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the HLS export is for int8 and fixed-point arrays"), r.err());
        assertFalse(Files.exists(out));

        Result preset = export("lenet5-28", "--out", out.toString());
        assertEquals(1, preset.code());
        assertTrue(preset.err().contains("array '16x16-ws' is f32") && preset.err().contains("--format int8"),
                preset.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aFolderInUseIsLeftAlone() throws IOException {
        Path out = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Result r = export("lenet5-28", "--format", "int8", "--layers", "pool1", "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not empty"), r.err());
        try (var s = Files.list(out)) {
            assertEquals(1, s.count());
        }
    }
}
