package io.systole.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.systole.model.Zoo;
import io.systole.sim.ArrayConfig;
import io.systole.sim.FastEngine;
import io.systole.sim.Simulator;
import io.systole.tensor.Npy;
import io.systole.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
    private static final String[] FIELDS = {"name", "macs", "cycles", "stall_cycles", "utilization", "sram_reads",
        "sram_writes", "dram_read_bytes", "dram_write_bytes"};

    /** Exit code, standard output and error text of one command line. */
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SimulateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().flush();
            return 1;
        });
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static void hasFields(JsonNode o) {
        for (String f : FIELDS) {
            assertTrue(o.has(f), "missing field " + f + " in " + o);
        }
        double u = o.get("utilization").asDouble();
        assertTrue(u >= 0 && u <= 1, "utilization " + u);
    }

    @Test
    void jsonReportHasEveryLayerAndTheTotal() throws IOException {
        Result r = run("lenet5-28", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(Zoo.get("lenet5-28").nodes().size(), root.get("layers").size());
        root.get("layers").forEach(SimulateCommandTest::hasFields);
        hasFields(root.get("total"));
        assertEquals("16x16-ws", root.get("array").get("name").asText());
        assertTrue(root.get("total").get("cycles").asLong() > 0);
    }

    @Test
    void topologyWithOverridesPrintsATable() {
        Result r = run("sim/topologies/lenet5.csv", "--preset", "8x8-os", "--array", "4x6", "--dataflow", "ws",
                "--format", "int8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("array custom (4x6 ws, int8)"), r.out());
        assertTrue(r.out().contains("Conv2") && r.out().contains("total"), r.out());
        assertTrue(r.out().contains("cycles ("), r.out());
    }

    @Test
    void writesTheSimulatedOutputAndAWaveform(@TempDir Path dir) throws IOException {
        Path x = dir.resolve("x.npy");
        float[] data = new float[2 * 3 * 9 * 9];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextDouble();
        }
        Npy.write(x, Tensor.of(data, 2, 3, 9, 9));
        Path y = dir.resolve("y.npy");
        Path vcd = dir.resolve("tiny.vcd");
        Result r = run("tiny", "--array", "4x4", "--input", x.toString(), "--output", y.toString(), "--vcd",
                vcd.toString(), "--vcd-layer", "conv2");
        assertEquals(0, r.code(), r.err());
        ArrayConfig cfg = ArrayConfig.DEFAULT.withSize(4, 4);
        Tensor want = new Simulator(cfg, new FastEngine()).run(Zoo.get("tiny"), Npy.read(x)).output();
        assertEquals(want, Npy.read(y));
        assertTrue(Files.readString(vcd).startsWith("$comment systole PE-level simulation of layer conv2"));
    }

    @Test
    void refusesWhatItCannotDo() {
        assertTrue(run("tiny", "--format", "int8", "--output", "y.npy").err().contains("need quantized layers"));
        assertTrue(run("tiny", "--output", "y.npy", "--raw").err().contains("--raw writes the raw output of a quantized"));
        assertTrue(run("tiny", "--vcd", "t.vcd", "--vcd-layer", "relu1").err().contains("only convolution and dense"));
        assertTrue(run("alexnet", "--vcd", "t.vcd").err().contains("above the limit"));
        assertTrue(run("tiny", "--array", "4by4").err().contains("--array must be RxC"));
        assertTrue(run("tiny", "--preset", "nope").err().contains("neither an array preset"));
        assertTrue(run("tiny", "--engine", "slow").err().contains("--engine must be fast or pe"));
    }
}
