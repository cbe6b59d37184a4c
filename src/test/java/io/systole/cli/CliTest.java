package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.model.Network;
import io.systole.model.Zoo;
import io.systole.ref.ReferenceEngine;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one command line. */
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void zooListsEveryModel() {
        Result r = run("zoo");
        assertEquals(0, r.code());
        for (Zoo.Entry e : Zoo.entries()) {
            assertTrue(r.out().contains(e.name()), e.name());
        }
    }

    @Test
    void summaryTableAndJson() throws IOException {
        Result t = run("summary", "lenet5-28");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("89,856") && t.out().contains("3,456"), t.out());
        assertTrue(t.out().contains("weight sharing: 44,426 parameters instead of 286,334"), t.out());

        Result j = run("summary", "alexnet", "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode root = new ObjectMapper().readTree(j.out());
        assertEquals("conv1", root.get("layers").get(0).get("name").asText());
        assertEquals(105_705_600L, root.get("layers").get(0).get("params_unshared").asLong());
        assertEquals(62_378_344L, root.get("total").get("params").asLong());
    }

    @Test
    void runWritesTheReferenceOutput() throws IOException {
        Network net = Zoo.get("tiny");
        float[] x = new float[2 * 3 * 9 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 17) / 8f - 1f;
        }
        Tensor in = Tensor.of(x, 2, 3, 9, 9);
        Path xp = dir.resolve("x.npy");
        Path yp = dir.resolve("y.npy");
        Npy.write(xp, in);
        Result r = run("run", "tiny", "--input", xp.toString(), "--output", yp.toString());
        assertEquals(0, r.code(), r.err());
        Tensor onArray = new io.systole.sim.Simulator(io.systole.sim.ArrayConfig.preset("16x16-ws"),
                new io.systole.sim.FastEngine()).run(net, in).output();
        assertEquals(onArray, Npy.read(yp), "the default array's accumulation order");
        // one PE row: every fold is one product, which is the reference engine's plain order
        r = run("run", "tiny", "--array", "1x16", "--input", xp.toString(), "--output", yp.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(ReferenceEngine.forward(net, in), Npy.read(yp));
    }

    @Test
    void wrongInputShapeIsAClearErrorAndWritesNothing() throws IOException {
        Path xp = dir.resolve("x.npy");
        Npy.write(xp, Tensor.of(new float[2 * 9 * 9], 1, 2, 9, 9));
        Path yp = dir.resolve("y.npy");
        Result r = run("run", "tiny", "--input", xp.toString(), "--output", yp.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("expects a float32 input of shape (N, 3, 9, 9), got F32 [1, 2, 9, 9]"), r.err());
        assertTrue(Files.notExists(yp));
    }

    @Test
    void unknownModelIsAClearError() {
        Result r = run("summary", "resnet-9000");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("systole: error: 'resnet-9000' is neither a zoo model"), r.err());
    }

    @Test
    void demoShowsSharingAndRuns() {
        Result r = run("demo", "--batch", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("weight sharing:"), r.out());
        assertTrue(r.out().contains("image  1: "), r.out());
        assertTrue(r.out().contains("verification against the simulator") && r.out().contains("PASS"), r.out());
        assertTrue(r.out().contains("== 6. profile"), r.out());
    }

    @Test
    void devicesListsEveryOpenClDevice() throws IOException {
        io.systole.backend.opencl.ClDevice d = io.systole.backend.opencl.OpenClTestSupport.device();
        Result r = run("devices");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(d.id()) && r.out().contains(d.name()), r.out());
        JsonNode j = new ObjectMapper().readTree(run("devices", "--json").out());
        assertEquals(d.id(), j.get("devices").get(d.index()).get("id").asText());
        assertTrue(j.get("tornado").has("available") && j.get("tornado").has("devices"), j.toString());
    }

    @Test
    void verifyPassesAndNamesDevices() {
        Result r = run("verify", "tiny", "--device", "sim", "--random", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("verification: PASS"), r.out());
        assertTrue(r.out().contains("conv1      sim"), r.out());
    }

    @Test
    void profileWritesTheReports() throws IOException {
        Path out = dir.resolve("prof");
        Path dot = dir.resolve("plan.dot");
        Result r = run("profile", "tiny", "--device", "sim", "--warmup", "1", "--repeat", "2", "--out", out.toString(),
                "--dot", dot.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(Zoo.get("tiny").nodes().size(), j.get("layers").size());
        assertTrue(j.get("layers").get(0).get("sim_cycles").asLong() > 0);
        assertTrue(Files.readString(out.resolve("report.html")).contains("\"name\" : \"conv1\""));
        assertTrue(Files.readString(dot).startsWith("digraph plan"));
    }

    @Test
    void missingDevicesAndBadPinsAreClearErrors() {
        Result r = run("verify", "tiny", "--device", "opencl:99");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("opencl:99"), r.err());
        r = run("verify", "tiny", "--device", "gpu");
        assertTrue(r.err().contains("unknown device 'gpu'"), r.err());
        r = run("verify", "tiny", "--place", "conv1=sim");
        assertTrue(r.err().contains("no device 'sim'"), r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"zoo", "summary", "run", "verify", "profile", "simulate", "devices", "demo"}) {
            Result r = run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage: systole " + c), r.out());
        }
        assertTrue(run("--help").out().contains("summary"));
    }
}
