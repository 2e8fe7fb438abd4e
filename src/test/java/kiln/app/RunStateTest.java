package kiln.app;

import static kiln.app.RunState.IDLE;
import static kiln.app.RunState.RUNNING;
import static kiln.app.RunState.STARTING;
import static kiln.app.RunState.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daemon's run states: the whole table of moves, and what a wrong move says. */
final class RunStateTest {
    @Test
    void theTableOfMoves_isExactlyTheRunsLifecycle() {
        List<String> allowed = new ArrayList<>();
        for (RunState from : RunState.values()) {
            for (RunState to : RunState.values()) {
                if (from.leadsTo(to)) {
                    allowed.add(from.label() + " -> " + to.label());
                }
            }
        }
        assertEquals(List.of(
                "idle -> starting",          // POST /api/v1/run, --start run
                "starting -> idle",          // refused: bad settings, directory unusable
                "starting -> running",       // every worker reported in
                "starting -> stopping",      // none started, or a stop came first
                "running -> stopping",       // duration over, warm, stop request, every worker failed
                "stopping -> idle"), allowed); // workers stopped, report kept
    }

    @Test
    void aWholeRun_andARefusedStart_followTheTable() {
        assertEquals(IDLE, IDLE.moveTo(STARTING).moveTo(RUNNING).moveTo(STOPPING).moveTo(IDLE));
        assertEquals(IDLE, IDLE.moveTo(STARTING).moveTo(IDLE));
        assertEquals(IDLE, IDLE.moveTo(STARTING).moveTo(STOPPING).moveTo(IDLE));
    }

    @Test
    void aMoveOffTheTable_isRefused_sayingFromWhereToWhere() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RUNNING.moveTo(STARTING));
        assertEquals("the daemon's run cannot go from running to starting", e.getMessage());
        assertThrows(IllegalStateException.class, () -> IDLE.moveTo(STOPPING));
        assertThrows(IllegalStateException.class, () -> STOPPING.moveTo(RUNNING));
        assertThrows(IllegalStateException.class, () -> IDLE.moveTo(IDLE), "a second start is refused before it gets here (409)");
    }

    @Test
    void labels_areTheWordsOfTheStatusDocument() {
        assertEquals(List.of("idle", "starting", "running", "stopping"), List.of(RunState.values()).stream().map(RunState::label).toList());
    }
}
