package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;

final class SlowCoresTest {
    private static WorkerView w(int id, long ops, long restarts) {
        WorkerStats s = new WorkerStats(1, FileStats.NONE, new WorkerStats.Cpu(Map.of("int", ops), 0), 0, Map.of(), 0);
        return new WorkerView(id, WorkerState.RUNNING, s, restarts, 0, 100L + id, 0, 0, Integer.toString(id));
    }

    @Test
    void theCoreBelowItsSiblings_isNamed() {
        List<String> slow = SlowCores.find(List.of(w(0, 1000, 0), w(1, 990, 0), w(2, 700, 0), w(3, 1010, 0)), 15, 4);
        assertEquals(List.of("cpu 2 (w2): 30% fewer cpu operations than its siblings' median"), slow);
    }

    @Test
    void withinTheMargin_orTooFewToCompare_nothingIsNamed() {
        assertEquals(List.of(), SlowCores.find(List.of(w(0, 1000, 0), w(1, 900, 0), w(2, 950, 0)), 15, 4));
        assertEquals(List.of(), SlowCores.find(List.of(w(0, 1000, 0), w(1, 100, 0)), 15, 4), "two: neither is the odd one out");
        assertEquals(List.of(), SlowCores.find(List.of(w(0, 1000, 0), w(1, 1000, 0), w(2, 100, 1)), 15, 4),
                "a restarted worker did not run the whole run");
    }

    /**
     * {@code --workers 64} on 2 cores was blamed on "slow cores": workers that share a core make
     * fewer operations each, and worker i is pinned to cpu i mod cores, so one core's workers
     * fell behind the other's. That is the scheduler, not the hardware: nothing is compared.
     */
    @Test
    void moreWorkersThanUsableCores_compareNothing() {
        List<WorkerView> four = List.of(w(0, 1000, 0), w(1, 990, 0), w(2, 700, 0), w(3, 1010, 0));
        assertEquals(List.of(), SlowCores.find(four, 15, 2), "4 workers on 2 cores");
        assertEquals(List.of(), SlowCores.find(four, 15, 3.5), "4 workers under a quota of 3.5 cores");
        assertEquals(1, SlowCores.find(four, 15, 4).size(), "4 on 4: compared as ever");
        assertEquals(2.0, SlowCores.usableCores(Optional.empty(), 2));
        assertEquals(1.5, SlowCores.usableCores(Optional.of(1.5), 2));
        assertEquals(2.0, SlowCores.usableCores(Optional.of(8.0), 2), "a quota above the processors gives no more of them");
    }

    @Test
    void oversubscription_isSaidAtStart_withTheCoresItShares() {
        SettingsLoader loader = new SettingsLoader(2);
        Settings sixtyFour = loader.load(null, Map.of("kiln.workers.count", 64));
        assertEquals(Optional.of("64 workers oversubscribe 2 cores this run may use (32.0 to a core): they share them, so their CPU"
                + " rates show the sharing, not the cores' speed; no core is compared with its siblings (no slow-core finding)"),
                SlowCores.oversubscription(sixtyFour, Optional.empty(), 2));
        Settings two = loader.load(null, Map.of("kiln.workers.count", 2));
        assertEquals(Optional.of("2 workers oversubscribe the cgroup's CPU quota of 1.50 cores (1.3 to a core): they share them, so"
                + " their CPU rates show the sharing, not the cores' speed; no core is compared with its siblings (no slow-core finding)"),
                SlowCores.oversubscription(two, Optional.of(1.5), 2));
        assertEquals(Optional.empty(), SlowCores.oversubscription(two, Optional.empty(), 2), "one worker a core");
        assertEquals(Optional.empty(), SlowCores.oversubscription(loader.load(null, Map.of("kiln.workers.count", 64, "kiln.cpu.enabled",
                false)), Optional.empty(), 2), "no burners, no CPU rates to compare");
    }
}
