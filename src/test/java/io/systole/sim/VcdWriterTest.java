package io.systole.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.systole.arith.NumberFormat;
import io.systole.model.Window;
import io.systole.tensor.Tensor;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The waveform is well-formed VCD: declared once, increasing times, values within their widths. */
class VcdWriterTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"WS; f32", "OS; int8", "WS; fixed<10,4,RND,SAT>"})
    void waveformIsWellFormed(Dataflow d, String format) {
        ArrayConfig cfg = ArrayConfig.DEFAULT.withFormat(NumberFormat.parse(format)).withSize(3, 2).withDataflow(d);
        ImplicitGemm g = new ImplicitGemm("small", 1, 2, 4, 4, 3, 1, new Window(2, 2, 1, 1, 0, 0, 1, 1));
        SplittableRandom rnd = new SplittableRandom(2);
        ArrayLayer layer = new ArrayLayer(g, Differential.operands(g, cfg, rnd));
        Tensor x = Differential.input(g, cfg, rnd);
        StringWriter text = new StringWriter();
        Engine.LayerResult r = new PeEngine(new VcdWriter(text)).run(layer, x, cfg);

        Map<String, Integer> widths = new HashMap<>();
        Set<String> scopes = new HashSet<>();
        long lastTime = -1;
        boolean definitions = true;
        int changes = 0;
        for (String line : text.toString().split("\n")) {
            if (definitions) {
                if (line.startsWith("$var")) {
                    String[] f = line.split(" ");
                    assertTrue(widths.put(f[3], Integer.parseInt(f[2])) == null, "identifier declared twice: " + line);
                } else if (line.startsWith("$scope")) {
                    scopes.add(line.split(" ")[2]);
                } else if (line.equals("$enddefinitions $end")) {
                    definitions = false;
                }
                continue;
            }
            if (line.startsWith("#")) {
                long t = Long.parseLong(line.substring(1));
                assertTrue(t > lastTime, "time goes back at " + line);
                lastTime = t;
            } else if (line.startsWith("b")) {
                String[] f = line.split(" ");
                assertTrue(f[0].length() - 1 <= widths.get(f[1]), "value wider than its signal: " + line);
                changes++;
            } else if (!line.startsWith("$")) {
                assertTrue(line.charAt(0) == '0' || line.charAt(0) == '1', line);
                assertTrue(widths.get(line.substring(1)) == 1, line);
                changes++;
            }
        }
        assertEquals(2 + 6 * cfg.pes(), widths.size());
        assertTrue(scopes.contains("pe_2_1") && scopes.contains("array"), scopes.toString());
        long period = Math.round(1e6 / cfg.clockMhz());
        assertEquals(r.stats().computeCycles() * period, lastTime);
        assertTrue(changes > widths.size(), "the registers should change over the run");
    }
}
