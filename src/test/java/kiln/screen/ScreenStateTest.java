package kiln.screen;

import kiln.link.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import kiln.report.Verdict;
import org.junit.jupiter.api.Test;

final class ScreenStateTest {
    private static ScreenResult result(List<Integer> cores, Outcome o, boolean complete) {
        return new ScreenResult(cores, 1000, 2000, new Verdict(o, List.of()), List.of(), Set.of("fma"), 5, complete);
    }

    @Test
    void record_aFailCutShort_standsForItsCoreButDoesNotCountAsScreened() {
        ScreenState s = new ScreenState(2, 1);
        s.record(result(List.of(1), Outcome.FAIL, false));
        assertEquals("fail", s.lastVerdict(1), "a wrong result stands even in a screen cut short");
        assertEquals(0, s.lastScreened(1));
        assertEquals(0, s.nextCore(), "the rotation does not move on");
        assertEquals(1, s.screens(Outcome.FAIL));
        assertEquals("fail", s.lastFailure().get("verdict"));
        s.record(result(List.of(0), Outcome.INCONCLUSIVE, false));
        assertNull(s.lastVerdict(0), "a screen cut short that found nothing leaves the core's verdict alone");
        assertEquals(10, s.cpuNanos(), "every screen's CPU counts");
    }

    @Test
    void fromMap_fitsTheStateToTheCoresThereAreNow() {
        ScreenState s = new ScreenState(4, 7);
        s.record(result(List.of(0, 1, 2, 3), Outcome.PASS, true));
        s.record(result(List.of(0, 1, 2), Outcome.PASS, true));
        assertEquals(3, s.nextCore());
        ScreenState fewer = ScreenState.fromMap(s.toMap(), 2);
        assertEquals(2, fewer.cores());
        assertEquals(2000, fewer.lastScreened(1));
        assertEquals(0, fewer.nextCore(), "the next core left: the rotation starts again at cpu 0");
        ScreenState more = ScreenState.fromMap(s.toMap(), 6);
        assertEquals(0, more.lastScreened(5), "a new core was never screened");
        assertEquals(3, more.nextCore());
        assertEquals(7, more.sinceMillis);
        assertEquals(2, more.screens(Outcome.PASS), "the counters carry on");
    }
}
