package kiln.report;

import kiln.link.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import kiln.config.Settings;
import kiln.report.Verdict.Inputs;

import kiln.sampler.Evidence;
import org.junit.jupiter.api.Test;

/** A run during which the kernel's OOM killer took a process (a worker, say) is not a pass. */
final class OomVerdictTest {
    private static Verdict judge(Map<String, Long> kills) {
        Evidence e = new Evidence(Map.of(kiln.sampler.OomKills.KILLS, kills));
        return Verdict.decide(Inputs.builder().evidence(e).build(), Settings.Verdict.DEFAULT);
    }

    @Test
    void anOomKillDuringTheRun_isInconclusive_namingWhere() {
        Verdict v = judge(Map.of("cgroup", 2L, "host", 2L));
        assertEquals(Outcome.INCONCLUSIVE, v.outcome());
        assertEquals(List.of("2 processes were killed by the kernel's OOM killer during the run (cgroup, host): memory ran out, so the"
                + " run did not stress as asked; the kernel log (dmesg) names what was killed"), v.reasons());
    }

    @Test
    void theCgroupsKillsAreAmongTheHosts_notAddedToThem() {
        assertTrue(judge(Map.of("cgroup", 1L, "host", 3L)).reasons().get(0).startsWith("3 processes were killed"));
        assertTrue(judge(Map.of("host", 1L)).reasons().get(0).startsWith("1 process was killed"));
    }

    @Test
    void noKill_passes() {
        assertEquals(Outcome.PASS, judge(Map.of("cgroup", 0L, "host", 0L)).outcome());
    }
}
