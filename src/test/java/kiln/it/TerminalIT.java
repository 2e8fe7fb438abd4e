package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln run} in a real terminal (tmux): the live status line is redrawn in place, a log line
 * never lands on its end, and Ctrl-C typed at the keyboard stops the run through the supervisor.
 */
@Timeout(150)
final class TerminalIT {
    private static final Pattern STATUS = Pattern.compile("\\[[0-9hms]+/[0-9hms]+\\] files ");

    @TempDir
    Path tmp;

    private final String socket = "kiln-it-" + ProcessHandle.current().pid();

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "tmux answers");
        return out;
    }

    private String screen() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-J", "-S", "-1000", "-t", "kiln");
    }

    /** Stops whatever still runs in the pane (a failed test) the way a user would, then the terminal. */
    @AfterEach
    void endTmux() throws IOException, InterruptedException {
        String panePid = tmux("display-message", "-p", "-t", "kiln", "#{pane_pid}").strip();
        if (panePid.matches("\\d+")) {
            List<ProcessHandle> left = ProcessHandle.of(Long.parseLong(panePid)).stream()
                    .flatMap(ProcessHandle::descendants).toList();
            left.forEach(ProcessHandle::destroy);
            for (ProcessHandle h : left) {
                try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                }
            }
        }
        tmux("kill-server");
    }

    @Test
    void logLinesNeverLandOnTheStatusLine_andCtrlCStopsTheRunCleanly() throws Exception {
        try {
            assumeTrue(new ProcessBuilder("tmux", "-V").start().waitFor() == 0, "tmux installed");
        } catch (IOException e) {
            assumeTrue(false, "tmux not installed (Debian package tmux)");
        }
        Path data = tmp.resolve("data");
        Path script = tmp.resolve("run.sh");
        Files.writeString(script, String.join("\n",
                "trap 'echo interrupted' INT", // the shell waits for kiln instead of dying of the Ctrl-C itself
                "export " + KilnProcess.environment().entrySet().stream().map(e -> e.getKey() + "='" + e.getValue() + "'")
                        .sorted().collect(java.util.stream.Collectors.joining(" ")),
                "'" + KilnProcess.launcher() + "' run --duration 60s --workers 2 --no-cpu --dir '" + data + "' --min-free 64m"
                        + " --max-files 3000 --metrics-port 0",
                "echo \"EXIT=$?\"",
                "sleep 120", ""));
        tmux("new-session", "-d", "-s", "kiln", "-x", "250", "-y", "50", String.join(" ", KilnProcess.defaultSignals()) + " sh " + script);

        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> screen().contains("/metrics") && STATUS.matcher(screen()).find());
        Matcher url = Pattern.compile("metrics at (http://[0-9.]+:\\d+)/metrics").matcher(screen());
        assertTrue(url.find(), screen());
        HttpClient http = HttpClient.newHttpClient();
        String status = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/status")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long pid = ConfigFactory.parseString(status).getConfigList("workers").get(0).getLong("pid");
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "kill -9 worker 0: the supervisor logs it");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> screen().contains("restarting in"));
        // the live line comes back below the log line
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<String> lines = screen().lines().toList();
            int log = lines.stream().filter(l -> l.contains("restarting in")).findFirst().map(lines::indexOf).orElse(-1);
            return lines.subList(log + 1, lines.size()).stream().anyMatch(l -> STATUS.matcher(l).find());
        });

        tmux("send-keys", "-t", "kiln", "C-c");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> screen().contains("EXIT="));
        String all = screen();
        for (String line : all.lines().toList()) {
            if (!STATUS.matcher(line).find()) {
                continue;
            }
            assertFalse(line.matches(".*(WARN|INFO|ERROR|restarting in|exited|removed).*"), "a log line landed on the status line: " + line);
            assertEquals(1, STATUS.matcher(line).results().count(), "one status per row, redrawn in place: " + line);
        }
        assertTrue(all.contains("signal received: stopping early"), all);
        Matcher exit = Pattern.compile("EXIT=(\\d+)").matcher(all);
        assertTrue(exit.find());
        assertEquals("5", exit.group(1), "Ctrl-C cut the run short: inconclusive: " + all);
        Matcher files = Pattern.compile("files\\s+([0-9,]+) files .*? ([0-9,]+) deleted").matcher(all);
        assertTrue(files.find(), all);
        assertEquals(files.group(1), files.group(2), "every file created was removed, the killed life's too: " + all);
        assertFalse(Files.exists(data), "nothing left");
    }

    /**
     * At 80 columns with the memory stressor on, the whole status line is wider than the terminal:
     * fitted, it is redrawn in place (a wider one left a row at every redraw and filled a 40-row pane
     * in 12 s), and it follows the pane when it is widened.
     */
    @Test
    void at80Columns_theStatusLineFits_isRedrawnInPlace_andFollowsAResize() throws Exception {
        try {
            assumeTrue(new ProcessBuilder("tmux", "-V").start().waitFor() == 0, "tmux installed");
        } catch (IOException e) {
            assumeTrue(false, "tmux not installed (Debian package tmux)");
        }
        Path data = tmp.resolve("data");
        Path script = tmp.resolve("run.sh");
        Files.writeString(script, String.join("\n",
                "export " + KilnProcess.environment().entrySet().stream().map(e -> e.getKey() + "='" + e.getValue() + "'")
                        .sorted().collect(java.util.stream.Collectors.joining(" ")),
                "'" + KilnProcess.launcher() + "' run --duration 14s --workers 2 --memory 64m --cpu-load 30 --dir '" + data + "'"
                        + " --min-free 64m --max-files 2000 --metrics-port 0",
                "echo \"EXIT=$?\"",
                "sleep 120", ""));
        tmux("new-session", "-d", "-s", "kiln", "-x", "80", "-y", "40", String.join(" ", KilnProcess.defaultSignals()) + " sh " + script);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> STATUS.matcher(screen()).find());
        Thread.sleep(4000); // a few redraws at 80 columns
        for (String line : statusRows(screen())) {
            assertTrue(line.length() < 80, "fits 80 columns: " + line.length() + ": " + line);
        }

        assertFalse(statusRows(screen()).stream().anyMatch(l -> l.contains("host mem")), "the least important part left out at 80");
        // widened (a narrowing terminal reflows the rows already drawn, whatever kiln does), it shows everything again
        tmux("resize-window", "-t", "kiln", "-x", "200");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> screen().contains("EXIT=") || statusRows(screen()).stream().anyMatch(l -> l.contains("host mem")));
        assertTrue(statusRows(screen()).stream().anyMatch(l -> l.contains("host mem")), "follows the resize: " + screen());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> screen().contains("EXIT="));
        String all = screen();
        long logLines = all.lines().filter(l -> l.matches(".*\\b(INFO|WARN|ERROR)\\b.*|w\\d+\\| .*")).count();
        assertTrue(statusRows(all).size() <= 3 + logLines, "redrawn in place, not a row per redraw ("
                + statusRows(all).size() + " status rows, " + logLines + " log lines):\n" + all);
    }

    private static List<String> statusRows(String screen) {
        return screen.lines().filter(l -> STATUS.matcher(l).find()).toList();
    }
}
