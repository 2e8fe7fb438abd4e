package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kiln.config.SettingsLoader;
import kiln.link.CpuMiscompare;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.report.Report;
import kiln.sampler.Evidence;
import kiln.supervisor.VerifyErrorLog;
import kiln.supervisor.Work;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's kept runs and the per-core ledger: a run's core failures are recorded under the id
 * its report is kept as, a core that failed in a second run is named recidivist first among the
 * verdict's reasons, and a damaged ledger is the daemon's problem (so {@code /readyz} says it).
 */
final class KeptRunsLedgerTest {
    @TempDir
    Path dir;

    private static Report failedOnCpu3(long atMillis) {
        CpuMiscompare c = new CpuMiscompare(0x1f, 2, 2, 0x4, 1, List.of(new CpuMiscompare.Trial("3", 10, 10),
                new CpuMiscompare.Trial("0", 1, 0)), "kiln replay --cpu 3 --method fma --seed 1f");
        VerifyErrorLog.Entry e = new VerifyErrorLog.Entry(3, "3", kiln.link.Stressor.CPU, "fma", "3ff0", "3ff4", "", atMillis, c);
        WorkerStats w = new WorkerStats(1, FileStats.NONE, new WorkerStats.Cpu(Map.of("fma", 100L), 10_000_000_000L,
                Map.of("fma", 1L)), 0, Map.of(kiln.link.Stressor.CPU, 1L), 0);
        Report.Findings f = new Report.Findings(List.of(e), new Evidence(Map.of()), new Evidence(Map.of()), List.of(), List.of(),
                Map.of(), "duration reached", false);
        return Report.builder(new SettingsLoader(4).load(null, Map.of("kiln.memory.size", "0", "kiln.files.enabled", "false")))
                .workers(List.of(new WorkerView(3, WorkerState.STOPPED, w, 0, 0, null, 0, 0, "3"))).totals(w)
                .elapsed(Duration.ofSeconds(10)).cpuLoad(1.0).fileIo(kiln.link.IoPath.NONE).findings(f).build();
    }

    private static Map<String, Object> keep(KeptRuns kept, Report r, String end) {
        Map<String, Object> result = new LinkedHashMap<>(r.toMap());
        result.put("end", end);
        kept.keep(r, result);
        return result;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCoreFailingInASecondRun_isNamedRecidivistFirst_underTheKeptRunsIds() throws Exception {
        try (KeptRuns kept = KeptRuns.open(dir, new Work())) {
            Map<String, Object> first = keep(kept, failedOnCpu3(1_764_000_000_000L), "2026-12-01T10:00:00Z");
            assertEquals("run-0000000001-20261201T100000Z", first.get("id"));
            assertTrue(((List<String>) first.get("verdict_reasons")).get(0).startsWith("1 verification error"), "once: not recidivist");
            Map<String, Object> second = keep(kept, failedOnCpu3(1_764_100_000_000L), "2026-12-02T10:00:00Z");
            List<String> reasons = (List<String>) second.get("verdict_reasons");
            assertTrue(reasons.get(0).startsWith("cpu 3 is recidivist: it failed in 2 runs (run-0000000001-20261201T100000Z,"
                    + " run-0000000002-20261202T100000Z)"), reasons.toString());
            assertEquals(List.of("3"), ((Map<String, Object>) second.get("cores")).get("recidivist"));
            assertNull(kept.problem());
            assertEquals(Map.of("3", 2L), kept.ledger().failuresByCpu());
        }
        List<String> lines = Files.readAllLines(dir.resolve(".kiln-runs/core-ledger.tsv"));
        assertEquals("\trun-0000000002-20261202T100000Z\t3\tfma\t1f\t4\t10/10\thardware", lines.get(2).substring(lines.get(2).indexOf('\t')));
        assertTrue(Files.readString(dir.resolve(".kiln-runs/run-0000000002-20261202T100000Z.json")).contains("cpu 3 is recidivist"),
                "the kept report says so");
    }

    @Test
    void aDamagedLedger_isTheDaemonsProblem() throws Exception {
        Path runs = Files.createDirectories(dir.resolve(".kiln-runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwx------"));
        Path ledger = Files.writeString(runs.resolve("core-ledger.tsv"), "not a ledger line\n");
        Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("rw-------"));
        try (KeptRuns kept = KeptRuns.open(dir, new Work())) {
            assertEquals("1 line of the ledger is damaged: line 1: 1 fields, not 8 (" + ledger + ")", kept.problem());
        }
    }
}
