package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import kiln.link.WorkerStats;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;

final class SlowCoresTest {
    private static WorkerView w(int id, long ops, long restarts) {
        WorkerStats s = new WorkerStats(1, WorkerStats.Files.NONE, new WorkerStats.Cpu(Map.of("int", ops), 0), 0, Map.of(), 0);
        return new WorkerView(id, WorkerState.RUNNING, s, restarts, 0, 100L + id, 0, 0, Integer.toString(id));
    }

    @Test
    void theCoreBelowItsSiblings_isNamed() {
        List<String> slow = SlowCores.find(List.of(w(0, 1000, 0), w(1, 990, 0), w(2, 700, 0), w(3, 1010, 0)), 15);
        assertEquals(List.of("cpu 2 (w2): 30% fewer cpu operations than its siblings' median"), slow);
    }

    @Test
    void withinTheMargin_orTooFewToCompare_nothingIsNamed() {
        assertEquals(List.of(), SlowCores.find(List.of(w(0, 1000, 0), w(1, 900, 0), w(2, 950, 0)), 15));
        assertEquals(List.of(), SlowCores.find(List.of(w(0, 1000, 0), w(1, 100, 0)), 15), "two: neither is the odd one out");
        assertEquals(List.of(), SlowCores.find(List.of(w(0, 1000, 0), w(1, 1000, 0), w(2, 100, 1)), 15),
                "a restarted worker did not run the whole run");
    }
}
