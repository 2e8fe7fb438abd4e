package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import kiln.link.LatencyBuckets;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;

final class ProgressLogTest {
    @Test
    void tick_logsOnceAMinute_notOnEveryPoll() {
        AtomicLong now = new AtomicLong(7);
        List<String> logged = new ArrayList<>();
        ProgressLog p = new ProgressLog(Ticker.of(now::get), logged::add);
        for (int ms = 0; ms <= 185_000; ms += 250) { // the run's poll, a quarter second
            now.set(7 + ms * 1_000_000L);
            int n = logged.size();
            p.tick(() -> "line " + n);
        }
        assertEquals(List.of("line 0", "line 1", "line 2"), logged, "at 1, 2 and 3 minutes");
    }

    private static WorkerStats totals(Map<kiln.link.Stressor, Long> verify, long memoryBytes) {
        FileStats files = FileStats.builder().created(5_000, 5_000 * 1024).deleted(4_000, 0)
                .error(kiln.link.FileOp.CREATE, 2).now(0, 1_000, false).build();
        return new WorkerStats(3, files, WorkerStats.Cpu.NONE, memoryBytes, verify, 0);
    }

    @Test
    void line_saysRatesWorkersErrorsAndWhatTheVerdictHoldsSoFar() {
        List<WorkerView> healthy = List.of(new WorkerView(0, WorkerState.RUNNING, WorkerStats.zero(), 0, 0, 10L, 0, 0, "0"),
                new WorkerView(1, WorkerState.RUNNING, WorkerStats.zero(), 0, 0, 11L, 0, 0, "1"));
        String line = ProgressLog.line(new ProgressLog.Snapshot(Duration.ofMinutes(5), Duration.ofHours(4), 1234.56, 2.5e6, 3L << 30,
                healthy, totals(Map.of(), 1L << 40), false, ""));
        assertEquals("run 5m00s of 4h00m: 1,235 files/s, 2,500,000 cpu ops/s, memory 3.0 GiB/s; workers 2/2 running;"
                + " errors 2 io, 0 verify; so far: nothing against the machine", line);

        List<WorkerView> troubled = List.of(new WorkerView(0, WorkerState.FAILED, WorkerStats.zero(), 4, 0, null, 0, 0, "0"),
                new WorkerView(1, WorkerState.RUNNING, WorkerStats.zero(), 0, 0, 11L, 1, 0, "1"));
        String bad = ProgressLog.line(new ProgressLog.Snapshot(Duration.ofMinutes(1), Duration.ofMinutes(15), 0, 0, 0, troubled,
                totals(Map.of(kiln.link.Stressor.CPU, 3L), 0), true, ""));
        assertTrue(bad.endsWith("; warm; so far: FAIL (3 verification errors), DEGRADED (1 worker failed, 1 stalled)"), bad);
        assertTrue(!bad.contains("memory"), "no memory stressor, no memory rate: " + bad);

        String waiting = ProgressLog.line(new ProgressLog.Snapshot(Duration.ofMinutes(2), Duration.ofMinutes(15), 900, 0, 0, healthy,
                totals(Map.of(), 0), false, "files/s unsteady (varies 41% around its mean over the window, at most 10%)"));
        assertTrue(waiting.endsWith("; not warm yet: files/s unsteady (varies 41% around its mean over the window, at most 10%);"
                + " so far: nothing against the machine"), waiting);
    }
}
