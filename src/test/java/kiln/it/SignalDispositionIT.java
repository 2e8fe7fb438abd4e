package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kiln started as a script's background job, with SIGINT ignored: it says at start that Ctrl-C
 * cannot stop it (a JVM cannot take an ignored SIGINT back), and SIGTERM still stops it cleanly. And
 * the tests' own way of giving a child the default disposition works from there, so that the suite
 * passes when the build runs in the background.
 */
@Timeout(120)
final class SignalDispositionIT {
    /** Starts kiln from a shell that ignores SIGINT and SIGHUP, as {@code nohup cmd &} in a script does, with {@code before} in front. */
    private static Process startIgnoring(List<String> before, List<String> lines) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' INT HUP; exec \"$@\"", "sh"));
        cmd.addAll(before);
        cmd.addAll(List.of(KilnProcess.launcher().toString(), "run", "--duration", "60s", "--workers", "1", "--no-files", "--cpu-load", "10",
                "--metrics-port", "0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(KilnProcess.environment());
        Process p = pb.start();
        p.getOutputStream().close();
        Thread drain = new Thread(() -> new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).lines()
                .forEach(lines::add), "drain-kiln");
        drain.setDaemon(true);
        drain.start();
        await().atMost(Duration.ofSeconds(40)).until(() -> lines.stream().anyMatch(l -> l.contains("metrics at http")) || !p.isAlive());
        return p;
    }

    private static void send(String signal, Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    }

    @Test
    void startedWithSigintIgnored_saysCtrlCCannotStopIt_andSigtermStillDoes() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process p = startIgnoring(List.of(), lines);
        try {
            String all = String.join("\n", lines);
            assertTrue(all.contains("kiln: SIGINT is ignored (started in the background by a script or its caller): Ctrl-C cannot stop"
                    + " this run; stop it with SIGTERM: kill " + p.pid()), all);
            send("INT", p);
            assertFalse(p.waitFor(2, TimeUnit.SECONDS), "SIGINT ignored, as said");
            send("TERM", p);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join("\n", lines));
            assertEquals(5, p.exitValue(), "stopped on request: cut short, inconclusive: " + String.join("\n", lines));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void theTestsWayToTheDefaultDisposition_letsSigintStopKiln_underABackgroundBuild() throws Exception {
        assumeFalse(KilnProcess.defaultSignals().isEmpty(), "env --default-signal (GNU coreutils 8.31)");
        List<String> lines = new CopyOnWriteArrayList<>();
        Process p = startIgnoring(KilnProcess.defaultSignals(), lines);
        try {
            assertFalse(String.join("\n", lines).contains("SIGINT is ignored"), String.join("\n", lines));
            send("INT", p);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join("\n", lines));
            assertEquals(5, p.exitValue(), String.join("\n", lines));
            await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.contains("signal received: stopping early")));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
