package kiln.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import kiln.link.Outcome;
import kiln.report.Verdict;
import org.junit.jupiter.api.Test;

/** Which cpus screening covers, from /proc/self/status and the online list as the kernel writes them. */
final class ScreenCpusTest {
    /** The lines of /proc/self/status around the one read, as Linux 6.x writes them. */
    private static String status(String allowedList) {
        return "Name:\tjava\nThreads:\t31\nCpus_allowed:\tf0\nCpus_allowed_list:\t" + allowedList
                + "\nMems_allowed:\t00000000,00000001\nMems_allowed_list:\t0\n";
    }

    @Test
    void aCpuset_isScreenedByItsOwnNumbers() {
        assertEquals(List.of(4, 5, 6, 7), ScreenCpus.of(status("4-7"), "0-63\n"), "not cpus 0-3, where taskset fails");
    }

    @Test
    void aQuota_doesNotShrinkTheList_theWholeAffinityIsScreened() {
        // a 64-cpu host under a 2-core quota: the JVM counts 2 processors, the process may still run on all 64
        List<Integer> cpus = ScreenCpus.of(status("0-63"), "0-63\n");
        assertEquals(64, cpus.size());
        assertEquals(63, cpus.get(63));
    }

    @Test
    void offlineCpus_areLeftOut() {
        assertEquals(List.of(0, 1, 3, 8), ScreenCpus.of(status("0-3,8"), "0-1,3-15\n"));
        assertEquals(List.of(0, 2), ScreenCpus.of(status("0,2"), ""), "no online list: every allowed cpu counts");
        assertEquals(List.of(), ScreenCpus.of("Name:\tjava\n", "0-3\n"), "no allowed list: unknown, the caller falls back");
    }

    @Test
    void aQuotaBelowTheCoresAtOnce_isSaid() {
        assertEquals(Optional.empty(), ScreenCpus.quotaWarning(Optional.of(2.0), 1));
        assertEquals(Optional.empty(), ScreenCpus.quotaWarning(Optional.empty(), 4));
        String w = ScreenCpus.quotaWarning(Optional.of(0.5), 1).orElseThrow();
        assertTrue(w.startsWith("a CPU quota of 0.50 cores is less than kiln.screen.cores-at-once = 1"), w);
    }

    @Test
    void theState_rotatesOverTheCpusetAndKeepsItsNumbers() {
        ScreenState s = new ScreenState(List.of(4, 5, 6, 7), 1000);
        assertEquals(List.of(4, 5), s.nextCores(2));
        long now = System.currentTimeMillis();
        s.record(new ScreenResult(List.of(7), now, now, new Verdict(Outcome.PASS, List.of()), List.of(), Set.of("fma"), 1, true));
        assertEquals(now, s.lastScreened(7));
        assertEquals(0, s.lastScreened(0), "a cpu not screened here");
        assertEquals(List.of(4), s.nextCores(1), "after cpu 7, the first of the set");
        ScreenState back = ScreenState.fromMap(s.toMap(), List.of(4, 5, 6, 7));
        assertEquals(now, back.lastScreened(7), "kept by kernel number");
        assertEquals(4, back.nextCore());
        ScreenState moved = ScreenState.fromMap(s.toMap(), List.of(0, 1, 2, 3));
        assertEquals(0, moved.lastScreened(0), "a cpu that was not screened before is not taken for one that was");
        assertEquals(List.of(0, 1, 2, 3), moved.cpus());
    }

    @Test
    void aScreener_screensTheCpusetInTurn_andSaysAQuotaInItsStatus(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        var settings = ScreenScheduleTest.settings(1, Duration.ofHours(1), 100, 100);
        try (Screener s = new Screener(settings, List.of(4, 5, 6, 7), (cores, stop) -> {
            throw new AssertionError("not started");
        }, ScreenStore.open(dir), kiln.util.Ticker.SYSTEM, () -> false)) {
            s.quotaWarning = ScreenCpus.quotaWarning(Optional.of(0.5), 1).orElseThrow();
            assertEquals(List.of(4, 5, 6, 7), s.cpus());
            java.util.Map<String, Object> status = s.status();
            assertEquals(List.of(4), status.get("next_cpus"), "the first cpu of the set, not cpu 0");
            assertEquals(s.quotaWarning, status.get("warning"));
            assertEquals(4, ((List<?>) status.get("cores")).size());
        }
    }
}
