package kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import kiln.config.SettingsLoader;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;

/**
 * A pass states its strength: per CPU method the core-seconds tested without a failure and the
 * rule-of-three bound on a fault's rate at 95% confidence; a method that failed has no bound.
 */
final class StrengthTest {
    @Test
    void theRuleOfThree() {
        assertEquals(0.003, Strength.bound(1000), 1e-15);
        assertEquals(3.0 / 3600, Strength.bound(3600), 1e-15, "an hour of one core: below 3 faults an hour");
        assertTrue(Double.isNaN(Strength.bound(0)), "nothing tested, no bound");
        // the bound is where no failure in T has probability 1 - confidence: exp(-rate * T) ≈ 0.05
        assertEquals(0.05, Math.exp(-Strength.bound(500) * 500), 0.0006, "3 is -ln(0.05) = 2.996, rounded up");
    }

    private static WorkerView worker(int id, String cpus, Map<String, Long> ops, double busySeconds, Map<String, Long> wrong) {
        WorkerStats s = new WorkerStats(1, FileStats.NONE, new WorkerStats.Cpu(ops, (long) (busySeconds * 1e9), wrong), 0, Map.of(), 0);
        return new WorkerView(id, WorkerState.STOPPED, s, 0, 0, null, 0, 0, cpus);
    }

    @Test
    void coreSeconds_shareAWorkersBusyTimeAmongItsMethods_andNeverExceedItsCores() {
        List<WorkerView> ws = List.of(worker(0, "0", Map.of("fma", 10L, "aes", 10L), 60, Map.of()),
                worker(1, "1", Map.of("fma", 10L), 30, Map.of()),
                worker(2, "2", Map.of("fma", 10L), 500, Map.of()), // two burner threads on one core: counted as the core
                worker(3, "4-5", Map.of("crc32c", 10L), 150, Map.of()));
        Map<String, Double> t = Strength.coreSeconds(ws, Duration.ofSeconds(100));
        assertEquals(30 + 30 + 100, t.get("fma"), 1e-9);
        assertEquals(30, t.get("aes"), 1e-9);
        assertEquals(150, t.get("crc32c"), 1e-9, "two cpus: up to 200");
    }

    @Test
    void theReportStatesIt_perMethod_andAFailedMethodHasNoBound() {
        WorkerView w = worker(0, "0", Map.of("fma", 10L, "aes", 10L), 7200, Map.of("aes", 2L));
        Report r = Report.builder(new SettingsLoader(1).load(null, Map.of("kiln.memory.size", "0"))).workers(List.of(w))
                .totals(w.totals()).elapsed(Duration.ofHours(2)).cpuLoad(1.0).fileIo(kiln.link.IoPath.NIO).build();
        @SuppressWarnings("unchecked")
        Map<String, Object> strength = (Map<String, Object>) ((Map<String, Object>) r.toMap().get("cpu")).get("strength");
        assertEquals(0.95, strength.get("confidence"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> methods = (Map<String, Map<String, Object>>) strength.get("methods");
        Map<String, Object> fma = methods.get("fma");
        assertEquals(3600.0, fma.get("core_seconds"));
        assertEquals(0L, fma.get("failures"));
        assertEquals(3.0 / 3600, (Double) fma.get("fault_rate_below_per_core_second"), 1e-15);
        assertEquals(3.0, (Double) fma.get("fault_rate_below_per_core_hour"), 1e-12);
        Map<String, Object> aes = methods.get("aes");
        assertEquals(2L, aes.get("failures"));
        assertNull(aes.get("fault_rate_below_per_core_second"));
        assertEquals("2 failures: no bound, the method failed", aes.get("note"));
        String page = HtmlReport.render(r, new kiln.supervisor.History());
        assertTrue(page.contains("<tr><td>fma</td><td>1.000</td><td>0</td><td>3.00</td></tr>"), "and in the HTML report: " + page);
        assertTrue(page.contains("<tr><td>aes</td><td>1.000</td><td>2</td><td>none: it failed</td></tr>"), page);
        assertTrue(r.toJson().matches("(?s).*\"fault_rate_below_per_core_hour\" ?: 3\\b.*"), "in the JSON report: " + r.toJson());
    }
}
