package kiln.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kiln.supervisor.History;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report as a browser shows it (headless Chromium): what was tested and an injected fault, near the top. */
@Timeout(180)
final class HtmlReportBrowserTest {
    @TempDir
    Path tmp;

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

    /** Runs headless Chromium on {@code page} with {@code mode} (--dump-dom, --screenshot=…); its standard output. */
    private String browse(Path page, String mode) throws Exception {
        String browser = chromium();
        Assumptions.assumeTrue(browser != null, "Chromium not installed (Debian package chromium)");
        Path out = tmp.resolve("chromium-" + System.nanoTime() + ".out");
        List<String> cmd = new ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--user-data-dir=" + tmp.resolve("chromium-profile"), "--window-size=960,1400", mode, page.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(tmp.resolve("chromium.log").toFile()).start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "Chromium renders within 90 s");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        return Files.readString(out);
    }

    private static int pixelsOf(BufferedImage img, int rgb) {
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

    @Test
    void anInjectedFailure_rendersItsBanner_andWhatWasTested_aboveTheFold() throws Exception {
        Report r = BurnInRecordTest.report(Map.of("kiln.run.inject-fault", "cpu", "kiln.files.dir", tmp.resolve("data").toString()),
                Duration.ofMinutes(3), Report.Findings.none());
        Path page = tmp.resolve("report.html");
        Files.writeString(page, HtmlReport.render(r, new History()));

        String dom = browse(page, "--dump-dom");
        assertTrue(dom.contains("id=\"injected-fault\">FAULT INJECTED ON PURPOSE (--inject-fault cpu): one cpu result was corrupted by kiln"),
                "the browser's DOM holds the banner: " + dom);
        assertTrue(dom.contains("<h2>What was tested</h2>"), dom);
        assertTrue(dom.contains("<tr><th>time</th><td>3m</td></tr>"), dom);
        assertTrue(dom.indexOf("What was tested") < dom.indexOf("All figures"), "words first, the raw dump last");

        Path png = tmp.resolve("report.png");
        browse(page, "--screenshot=" + png);
        assertTrue(Files.size(png) > 10_000, Files.readString(tmp.resolve("chromium.log")));
        BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        BufferedImage top = img.getSubimage(0, 0, img.getWidth(), Math.min(img.getHeight(), 700));
        assertTrue(pixelsOf(top, 0xffebee) > 5000, "the pink injected-fault banner is drawn in the first 700 pixels");
        assertTrue(pixelsOf(top, 0xc62828) > 1000, "with the red FAIL badge and the banner's red border");
    }
}
