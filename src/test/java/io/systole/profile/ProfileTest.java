package io.systole.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {
    @TempDir
    Path dir;

    static Profile sample() {
        List<LayerProfile> layers = List.of(
                new LayerProfile("conv1", "conv2d", "opencl:0", 40e-6, 10e-6, 2e-6, 2 * 86_400L, 100e9, 2_000, 0.6,
                        5_000, 4_000, 3_200, 13_824),
                new LayerProfile("relu1", "relu", "opencl:0", 3e-6, 0, 0, 0, 100e9, 0, 0, 0, 0, 0, 0),
                new LayerProfile("pool1</script>", "maxpool2d", "opencl:0", 5e-6, 0, 1e-6, 0, 100e9, 300, 0.2, 3_456,
                        864, 13_824, 3_456),
                new LayerProfile("fc1", "dense", "jvm", 0, 0, 30e-6, 2 * 30_720L, 20e9, 1_000, 0.9, 200, 100,
                        123_000, 480));
        return new Profile("lenet5-28", "16x16-ws", 2 * 16 * 16 * 200e6, 16 * 200e6, 200e6, 1, 10, layers,
                "plan table", "digraph plan {}");
    }

    @Test
    void jsonAndCsvCarryEveryLayer() throws IOException {
        Profile p = sample();
        p.write(dir);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(4, j.get("layers").size());
        assertEquals(172_800 / 52e-6 / 1e9, j.get("layers").get(0).get("gflops").asDouble(), 1e-9);
        assertEquals(0.0, j.get("layers").get(1).get("gflops").asDouble());
        List<String> csv = Files.readAllLines(dir.resolve("report.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(1).startsWith("conv1,conv2d,opencl:0,40.0,10.0,2.0,"), csv.get(1));
        assertTrue(p.table().contains("total 91.0 us per batch of 1"), p.table());
    }

    @Test
    void htmlIsSelfContained() throws IOException {
        String html = sample().html();
        String withoutNamespace = html.replace("http://www.w3.org/2000/svg", "");
        assertFalse(withoutNamespace.contains("http://") || withoutNamespace.contains("https://"),
                "the page must not load anything");
        assertFalse(html.contains("src="));
        assertTrue(html.contains("pool1<\\/script>"), "data may not close the script element");
    }

    /** Renders the page in headless Chromium: no script errors, one bar per layer, the roofline drawn. */
    @Test
    void htmlRendersInAHeadlessBrowser() throws IOException, InterruptedException {
        Path chromium = Path.of("/usr/bin/chromium");
        boolean required = "1".equals(System.getenv("SYSTOLE_REQUIRE_BROWSER"));
        if (!Files.isExecutable(chromium)) {
            if (required) {
                throw new AssertionError("SYSTOLE_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)");
            }
            Assumptions.abort("skipping browser test: /usr/bin/chromium is missing (apt-get install chromium)");
        }
        sample().write(dir);
        Process proc = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("profile-dir"), "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=5000", "--dump-dom", dir.resolve("report.html").toUri().toString())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        String dom = new String(proc.getInputStream().readAllBytes());
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertFalse(err.contains("Uncaught"), err);
        assertTrue(dom.contains("data-rendered=\"true\""), "the script did not run to its end:\n" + err);
        Matcher bars = Pattern.compile("<g class=\"bar\" data-layer=\"([^\"]*)\"").matcher(dom);
        int n = 0;
        while (bars.find()) {
            n++;
        }
        assertEquals(4, n, dom);
        assertTrue(dom.contains("class=\"roof\""));
        assertEquals(2, dom.split("class=\"point\"", -1).length - 1, "one roofline point per layer with operations (conv1, fc1)");
    }
}
