package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.systole.model.Zoo;
import io.systole.tensor.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Simulator reports for fixed (network, array) pairs, compared exactly with the files under
 * {@code sim/golden/}. After a deliberate change of the models, regenerate them and review the
 * diff:
 * <pre>
 *   mvn -q test -Dtest=GoldenReportTest -Dsystole.regenerateGolden=true
 * </pre>
 */
class GoldenReportTest {
    static final String REGENERATE = "systole.regenerateGolden";
    private static final String COMMAND = "mvn -q test -Dtest=GoldenReportTest -D" + REGENERATE + "=true";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("lenet5-28", "16x16-ws"),
                Arguments.of("lenet5-28", "8x8-os"),
                Arguments.of("tiny", "eyeriss-like"),
                Arguments.of("alexnet", "tpu-like"),
                Arguments.of("sim/topologies/alexnet.csv", "32x32-ws"));
    }

    /** The report text: a generator line first, then the report's fields. */
    static String render(String source, String preset) throws IOException {
        ArrayConfig cfg = ArrayConfig.preset(preset);
        Simulator sim = new Simulator(cfg, new FastEngine());
        Report report = source.endsWith(".csv") ? sim.timing(Topology.read(Path.of(source)))
                : sim.timing(Zoo.get(source), 1);
        ObjectNode o = JSON.createObjectNode();
        o.put("generated_by", "GoldenReportTest: " + COMMAND);
        o.setAll(report.toJson());
        return JSON.writeValueAsString(o) + "\n";
    }

    static Path file(String source, String preset) {
        String stem = Path.of(source).getFileName().toString().replaceFirst("\\.csv$", "-topology");
        return Path.of("sim/golden", stem + "." + preset + ".json");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void reportMatchesGolden(String source, String preset) throws IOException {
        String got = render(source, preset);
        Path f = file(source, preset);
        if (Boolean.getBoolean(REGENERATE)) {
            AtomicFiles.writeString(f, got);
            return;
        }
        assertTrue(Files.exists(f), f + " is missing; generate it with " + COMMAND);
        String want = Files.readString(f);
        if (!want.equals(got)) {
            String[] a = want.split("\n");
            String[] b = got.split("\n");
            for (int i = 0; i < Math.max(a.length, b.length); i++) {
                String x = i < a.length ? a[i] : "<end>";
                String y = i < b.length ? b[i] : "<end>";
                if (!x.equals(y)) {
                    fail(f + " differs at line " + (i + 1) + ":\n  golden:    " + x.strip() + "\n  simulated: "
                            + y.strip() + "\nif the change is intended, regenerate with " + COMMAND
                            + " and review the diff");
                }
            }
        }
    }
}
