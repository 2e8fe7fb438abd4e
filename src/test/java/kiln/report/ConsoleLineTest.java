package kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import kiln.link.FileErrors;
import kiln.link.FileOp;
import kiln.link.Stressor;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.sampler.HostSample;
import org.junit.jupiter.api.Test;

/** The live status line: what it says for a given moment of a run, and what it leaves out. */
final class ConsoleLineTest {
    private static final HostSample HOST = new HostSample(
            new HostSample.Cpu(0.5, List.of(0.4, 0.6), List.of(), 61.4),
            HostSample.LoadAverage.UNKNOWN,
            new HostSample.Memory(2L << 30, 1L << 30, 0, 0),
            List.of(), new HostSample.FileSystem("/", -1, -1));

    private static WorkerStats totals(long kept, Map<FileOp, Long> errors, boolean paused, long memoryBytes, Map<Stressor, Long> verify) {
        FileStats files = FileStats.builder().created(5_000, 5_000 * 1024).deleted(5_000 - kept, 0)
                .errors(FileErrors.of(errors, Map.of())).now(0, kept, paused).build();
        return new WorkerStats(3, files, WorkerStats.Cpu.NONE, memoryBytes, verify, 0);
    }

    @Test
    void line_saysTimeRateMachineWorkersAndErrors() {
        String line = Console.line(Progress.at(Duration.ofSeconds(10), Duration.ofMinutes(1))
                .totals(totals(1_500, Map.of(FileOp.CREATE, 1L, FileOp.TAMPER, 4L), false, 0, Map.of(Stressor.CPU, 2L))).host(HOST)
                .workers(2, 2, 0).rates(12_345, 0).build());
        assertEquals("[10s/1m00s] files 12.3k/s (1.5k kept) | cpu 50% | host mem 1.0 GiB/2.0 GiB | 61°C | workers 2/2"
                + " | errors 1 io, 2 verify", line, "tampering refused is not an I/O error");
    }

    @Test
    void line_showsWhatIsUnderWay_andLeavesOutWhatTheRunHasNot() {
        HostSample noSensor = new HostSample(new HostSample.Cpu(0.25, List.of(), List.of(), Double.NaN),
                HostSample.LoadAverage.UNKNOWN, HOST.memory(), List.of(), HOST.fs());
        String line = Console.line(Progress.at(Duration.ofSeconds(90), Duration.ofHours(1))
                .totals(totals(0, Map.of(), true, 4L << 30, Map.of())).host(noSensor).workers(1, 2, 3).rates(0, 512L << 20)
                .warmup(40, true).build());
        assertFalse(line.contains("°C"), "no sensor, no temperature: " + line);
        assertTrue(line.contains(" | workers 1/2 | "), line);
        assertTrue(line.contains(" | ram 512.0 MiB/s"), line);
        assertTrue(line.contains(" | ramp 40% | "), line);
        assertTrue(line.endsWith(" | READY | PAUSED: free space or inodes at floor | restarts 3"), line);

        String before = Console.line(Progress.at(Duration.ZERO, Duration.ofHours(1)).workers(0, 2, 0).build());
        assertEquals("[0ms/1h00m] files 0/s (0 kept) | workers 0/2 | errors 0 io, 0 verify", before,
                "before the first hardware reading: no machine part, no ram, ramp, READY or restarts");
    }

    @Test
    void ramp_isAWholePercent_notARawDouble() {
        String line = Console.line(Progress.at(Duration.ofSeconds(17), Duration.ofMinutes(15))
                .totals(totals(0, Map.of(), false, 0, Map.of())).host(HOST).workers(2, 2, 0).rates(100, 0)
                .warmup(28.023581716666666, false).build());
        assertTrue(line.contains(" | ramp 28% | ") || line.endsWith(" | ramp 28%"), line);
        assertFalse(line.matches(".*\\d\\.\\d{4,}.*"), "no raw double: " + line);
    }

    @Test
    void fit_at80Columns_keepsTheMostImportantParts_andNeverReachesTheLastColumn() {
        Progress busy = Progress.at(Duration.ofSeconds(754), Duration.ofMinutes(15))
                .totals(totals(19_000, Map.of(FileOp.CREATE, 3L), true, 4L << 30, Map.of(Stressor.CPU, 1L))).host(HOST)
                .workers(15, 16, 2).rates(12_345, 912L << 20).warmup(64.5, true).build();
        String whole = Console.line(busy);
        assertTrue(whole.length() > 150, "the whole line is wide: " + whole);
        String at80 = Console.line(busy, 80);
        assertTrue(at80.length() <= 79, at80.length() + ": " + at80);
        assertTrue(at80.startsWith("[12m34s/15m00s] files 12.3k/s"), at80);
        assertTrue(at80.contains("errors 3 io, 1 verify") && at80.contains("READY") && at80.contains("PAUSED"),
                "errors and the run's state outrank the machine's readings: " + at80);
        assertFalse(at80.contains("host mem") || at80.contains("kept"), "the least important went first: " + at80);
        for (int columns = 20; columns <= 200; columns++) {
            assertTrue(Console.line(busy, columns).length() < Math.max(11, columns), "fits " + columns + ": " + Console.line(busy, columns));
        }
        assertEquals(whole, Console.line(busy, whole.length() + 1), "room for all: nothing left out");
    }

    @Test
    void fit_cutsWithAnEllipsis_whenEvenTheFirstPartIsTooWide() {
        String cut = Console.fit(List.of(new Console.Part(0, "x".repeat(50))), 30);
        assertEquals(29, cut.length());
        assertTrue(cut.endsWith("…"), cut);
    }
}
