package kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees: sensors, the HTML report, quiet and JSON output, the man page and completion. */
@Timeout(120)
final class OperatorIT {
    @TempDir
    Path tmp;

    @Test
    void sensors_showWhatOshiSees_asTextAndJson() throws Exception {
        try (KilnProcess k = new KilnProcess("sensors", "--json")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            Config inv = ConfigFactory.parseString(String.join("\n", k.out));
            assertEquals(Runtime.getRuntime().availableProcessors(), inv.getInt("cpu.logical_cpus"));
            assertFalse(inv.getString("cpu.model").isBlank());
            assertTrue(inv.getLong("memory.total_bytes") > 0);
            assertFalse(inv.getConfigList("file_systems").isEmpty());
            assertTrue(inv.hasPath("sensors"), "the sensors section is there even when empty");
            for (String source : List.of("edac_corrected", "edac_uncorrected", "machine_checks", "thermal_events",
                    "thermal_throttle", "cgroup_cpu_throttled")) {
                assertTrue(inv.hasPath("evidence." + source + ".readable"), "every evidence source is listed: " + source);
            }
            assertEquals(Files.exists(Path.of("/sys/devices/system/edac/mc/mc0")), inv.getBoolean("evidence.edac_corrected.readable"));
            assertEquals(!inv.getBoolean("evidence.edac_corrected.readable"), !inv.hasPath("evidence.edac_corrected.count"),
                    "an unreadable source has no count, not 0");
        }
        try (KilnProcess k = new KilnProcess("sensors")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)));
            String text = String.join("\n", k.out);
            assertTrue(text.contains("cpu:") && text.contains("logical cpus: ") && text.contains("GiB"), text);
        }
    }

    @Test
    void htmlReport_holdsTheVerdictTheChartsAndTheData() throws Exception {
        Path html = tmp.resolve("run.html");
        try (KilnProcess k = new KilnProcess("run", "--duration", "6s", "--workers", "2", "--dir", tmp.resolve("d").toString(),
                "--metrics-port", "0", "--min-free", "64m", "--max-files", "2000", "--memory", "32m", "--cpu-load", "40",
                "--report", html.toString())) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
        }
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("<div class=\"verdict pass\">PASS</div>"));
        for (String chart : List.of("files_per_second", "cpu_load_percent", "cpu_frequency_ghz", "cpu_temperature_celsius",
                "memory_used_gib", "memory_stress_gib_per_second")) {
            assertTrue(page.contains("<svg id=\"chart-" + chart + "\""), chart);
        }
        assertTrue(page.contains("<p class=\"zero\" id=\"zero-counters\">Zero throughout the run: Verification errors (cumulative);"
                + " File I/O errors (cumulative).</p>"), "counters that stayed at zero are a sentence, not a flat chart");
        Matcher line = Pattern.compile("<svg id=\"chart-files_per_second\".*?<polyline class=\"line\" points=\"([^\"]+)\"").matcher(page);
        assertTrue(line.find(), "files/s is drawn");
        assertTrue(line.group(1).split(" ").length >= 4, "one point a second: " + line.group(1));
        assertFalse(page.contains("http://") || page.contains("https://") || page.contains("<script src"), "self-contained");
        Matcher data = Pattern.compile("<script type=\"application/json\" id=\"kiln-report\">\n(.*)\n</script>", Pattern.DOTALL).matcher(page);
        assertTrue(data.find());
        Config json = ConfigFactory.parseString(data.group(1));
        assertEquals("pass", json.getString("report.verdict"));
        assertTrue(json.getList("series.seconds").size() >= 4);
        assertEquals(json.getList("series.seconds").size(), json.getList("series.cpu_load_percent").size());
    }

    /** The Chromium binary where one is installed (.ci/run installs it), else null. */
    private static String chromium() {
        for (String c : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, c))) {
                    return Path.of(dir, c).toString();
                }
            }
        }
        return null;
    }

    private static int pixelsOf(java.awt.image.BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Pixels of the series colour (#1565c0) at half coverage or more, blended with the light plot
     * background: a 1.5-pixel line is anti-aliased, and a level one at a fractional height (a
     * steady clock, say) has no pixel of exactly its colour. Nothing else on the page is blue.
     */
    private static int pixelsOfSeries(java.awt.image.BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (b - r >= 80 && b - g >= 20) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void htmlReport_drawsOnlyWhatRan_andRendersInAHeadlessBrowser() throws Exception {
        Path html = tmp.resolve("cpu-only.html");
        try (KilnProcess k = new KilnProcess("run", "--duration", "5s", "--workers", "1", "--no-files", "--cpu-load", "30",
                "--metrics-port", "0", "--report", html.toString())) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
        }
        String page = Files.readString(html);
        for (String absent : List.of("files_per_second", "file_errors", "memory_stress_gib_per_second")) {
            assertFalse(page.contains("<svg id=\"chart-" + absent + "\""), "no chart of a stressor that did not run: " + absent);
        }
        Matcher cpu = Pattern.compile("<svg id=\"chart-cpu_load_percent\".*?</svg>").matcher(page);
        assertTrue(cpu.find());
        String chart = cpu.group();
        assertTrue(Pattern.compile("class=\"axis ytick\"[^>]*>0<").matcher(chart).find(), "a y axis from 0: " + chart);
        assertTrue(Pattern.compile("class=\"axis ytick\"").matcher(chart).results().count() >= 3, "y ticks");
        List<String> times = Pattern.compile("class=\"axis xtick\"[^>]*>(\\d\\d:\\d\\d:\\d\\d)<").matcher(chart).results()
                .map(r -> r.group(1)).toList();
        assertTrue(times.size() >= 2, "wall-clock ticks: " + chart);
        String start = ConfigFactory.parseString(Pattern.compile("id=\"kiln-report\">\n(.*)\n</script>", Pattern.DOTALL)
                .matcher(page).results().findFirst().orElseThrow().group(1)).getString("report.start");
        java.time.LocalTime first = java.time.LocalTime.parse(times.get(0));
        java.time.LocalTime began = java.time.Instant.parse(start).atZone(java.time.ZoneOffset.UTC).toLocalTime();
        assertTrue(Math.abs(java.time.Duration.between(began, first).getSeconds()) <= 5, "ticks are the run's own UTC times: "
                + began + " vs " + times);

        String browser = chromium();
        org.junit.jupiter.api.Assumptions.assumeTrue(browser != null, "Chromium not installed (Debian package chromium)");
        Path png = tmp.resolve("report.png");
        Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--user-data-dir=" + tmp.resolve("chromium-profile"), "--window-size=960,2600",
                "--screenshot=" + png, html.toUri().toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile())
                .start();
        try {
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "Chromium renders within a minute");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertTrue(Files.size(png) > 10_000, Files.readString(tmp.resolve("chromium.log")));
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(960, img.getWidth());
        assertTrue(pixelsOf(img, 0x2e7d32) > 1000, "the green PASS badge is drawn");
        assertTrue(pixelsOf(img, 0xe0e0e0) > 1000, "gridlines are drawn");
        assertTrue(pixelsOfSeries(img) > 400, "the series lines are drawn");
    }

    @Test
    void jsonAndQuietOutput() throws Exception {
        try (KilnProcess k = new KilnProcess("run", "--duration", "2s", "--workers", "1", "--no-files", "--cpu-load", "10",
                "--metrics-port", "0", "--json")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            Config report = ConfigFactory.parseString(String.join("\n", k.out));
            assertEquals("pass", report.getString("verdict"), "stdout is the JSON report and nothing else");
        }
        try (KilnProcess k = new KilnProcess("run", "--duration", "2s", "--workers", "1", "--no-files", "--cpu-load", "10",
                "--metrics-port", "0", "--quiet")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertEquals(List.of(), k.out, "quiet: nothing on stdout");
            assertEquals(List.of(), k.err, "and no INFO lines on stderr, workers' included");
        }
    }

    @Test
    void manPage_andCompletion_areGeneratedFromTheCommands() throws Exception {
        try (KilnProcess k = new KilnProcess("man")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)));
            String man = String.join("\n", k.out);
            assertTrue(man.startsWith(".TH KILN 1 "), man.substring(0, Math.min(80, man.length())));
            for (String flag : List.of("\\-\\-duration", "\\-\\-cpu\\-load", "\\-\\-inject\\-fault", "\\-\\-until\\-ready", "\\-\\-json")) {
                assertTrue(man.contains(flag), flag);
            }
            assertTrue(man.contains(".SS daemon") && man.contains(".SS sensors") && man.contains(".SH EXIT STATUS"));
        }
        try (KilnProcess k = new KilnProcess("generate-completion")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)));
            String script = String.join("\n", k.out);
            assertTrue(script.contains("complete -F") && script.contains("--cpu-load"), "bash/zsh completion");
        }
    }
}
