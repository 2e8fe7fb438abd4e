package kiln.app;

import static kiln.app.ShellMachine.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@code kiln run} through the whole lifecycle (prepare, serve, run, finish) with shells as
 * workers, host facts the test sets and a clock it moves: what it prints and the code it exits with.
 */
@Timeout(60)
final class RunSessionTest {
    @TempDir
    Path dir;
    private final ShellMachine host = new ShellMachine();
    private final StringWriter out = new StringWriter();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        host.close();
    }

    private RunSession session(Path report) {
        Settings s = new SettingsLoader().load(null, Map.of("kiln.workers.count", "1", "kiln.workers.pin", "false",
                "kiln.files.dir", dir.resolve("data").toString(), "kiln.files.min-free", "1m", "kiln.files.max-files", "100",
                "kiln.cpu.enabled", "false", "kiln.run.duration", "2s", "kiln.http.port", "0", "kiln.run.report", report.toString()));
        return new RunSession(s, new PrintWriter(out, true), RunSession.Output.LOG, host.machine());
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUncorrectedErrorDuringTheRun_failsIt_exit1_andTheReportSaysSo() throws Exception {
        Path report = dir.resolve("report.json");
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(session(report)::run);
        until(() -> out.toString().contains("metrics at http://127.0.0.1:"));
        host.uncorrectedErrors(1);
        host.advance(Duration.ofSeconds(3));
        assertEquals(ExitCode.VERIFY_FAILED, code.get(30, TimeUnit.SECONDS), out + stderr());
        assertTrue(stderr().contains("kiln: fail: "), stderr());
        assertTrue(out.toString().contains("stopping: workers are removing their files…"), out.toString());
        assertTrue(out.toString().contains("report: " + report), out.toString());
        assertTrue(Files.readString(report).contains("\"fail\""), "the report written holds the verdict");
    }

    @Test
    void workersThatNeverReportIn_exit3_withNoSummaryAndNoReport() throws Exception {
        host.workers(ShellMachine.SILENT);
        Path report = dir.resolve("report.json");
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(session(report)::run);
        until(() -> !host.processes.isEmpty());
        host.advanceUntil(Run.START_TIMEOUT.dividedBy(4), code::isDone);
        assertEquals(ExitCode.CANNOT_RUN, code.get(30, TimeUnit.SECONDS), out + stderr());
        assertTrue(stderr().contains("kiln: no worker started within 20s; see the worker log above"), stderr());
        assertTrue(!out.toString().contains("stopping:"), "nothing ran, nothing to stop: " + out);
        assertTrue(!Files.exists(report), "no run, no report");
    }
}
