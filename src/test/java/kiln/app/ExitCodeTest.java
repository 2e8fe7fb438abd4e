package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kiln.report.Verdict;
import org.junit.jupiter.api.Test;

/** The exit code of a run: each row of the table of outcomes, and which row wins when several hold. */
final class ExitCodeTest {
    private static ExitCode.Ending ending(Run.End end, kiln.link.Outcome verdict, boolean reportLost, boolean untilReady) {
        return new ExitCode.Ending(end, verdict, reportLost, untilReady);
    }

    @Test
    void eachRow_givesItsOutcomeAndCode() {
        record Case(ExitCode.Ending ending, ExitCode.Outcome outcome, int code) {
        }
        List<Case> cases = List.of(
                new Case(ending(Run.End.NOT_STARTED, null, false, false), ExitCode.Outcome.NOT_STARTED, 3),
                new Case(ending(Run.End.DURATION, kiln.link.Outcome.FAIL, false, false), ExitCode.Outcome.FAILED, 1),
                new Case(ending(Run.End.DURATION, kiln.link.Outcome.PASS, true, false), ExitCode.Outcome.REPORT_LOST, 3),
                new Case(ending(Run.End.ALL_FAILED, kiln.link.Outcome.DEGRADED, false, false), ExitCode.Outcome.ALL_WORKERS_FAILED, 3),
                new Case(ending(Run.End.STOPPED, kiln.link.Outcome.INCONCLUSIVE, false, false), ExitCode.Outcome.INCONCLUSIVE, 5),
                new Case(ending(Run.End.DURATION, kiln.link.Outcome.DEGRADED, false, false), ExitCode.Outcome.DEGRADED, 4),
                new Case(ending(Run.End.DURATION, kiln.link.Outcome.PASS, false, true), ExitCode.Outcome.NOT_WARM, 3),
                new Case(ending(Run.End.READY, kiln.link.Outcome.PASS, false, true), ExitCode.Outcome.PASSED, 0),
                new Case(ending(Run.End.DURATION, kiln.link.Outcome.PASS, false, false), ExitCode.Outcome.PASSED, 0));
        List<ExitCode.Outcome> covered = new ArrayList<>();
        for (Case c : cases) {
            ExitCode.Outcome o = ExitCode.of(c.ending());
            assertEquals(c.outcome(), o, c.ending().toString());
            assertEquals(c.code(), o.code, c.ending().toString());
            covered.add(o);
        }
        assertEquals(ExitCode.ROWS.stream().map(ExitCode.Row::outcome).toList(), covered.stream().distinct().toList(),
                "every row of the table is reached, in its order");
    }

    @Test
    void aFailure_isSaidAboveALostReportAndWorkersThatAllFailed() {
        assertEquals(ExitCode.Outcome.FAILED, ExitCode.of(ending(Run.End.ALL_FAILED, kiln.link.Outcome.FAIL, true, true)),
                "suspect hardware never hides behind a lost report");
    }

    @Test
    void aLostReport_isExit3_whateverTheVerdictBesidesFail() {
        for (kiln.link.Outcome v : new kiln.link.Outcome[] {kiln.link.Outcome.PASS, kiln.link.Outcome.DEGRADED, kiln.link.Outcome.INCONCLUSIVE}) {
            assertEquals(ExitCode.Outcome.REPORT_LOST, ExitCode.of(ending(Run.End.DURATION, v, true, false)), v.label());
        }
    }

    @Test
    void anUntilReadyRunThatWasStoppedOrDegraded_isNotCalledNotWarm() {
        assertEquals(ExitCode.Outcome.INCONCLUSIVE, ExitCode.of(ending(Run.End.DURATION, kiln.link.Outcome.INCONCLUSIVE, false, true)));
        assertEquals(ExitCode.Outcome.DEGRADED, ExitCode.of(ending(Run.End.DURATION, kiln.link.Outcome.DEGRADED, false, true)));
        assertEquals(ExitCode.Outcome.PASSED, ExitCode.of(ending(Run.End.STOPPED, kiln.link.Outcome.PASS, false, true)),
                "only a run whose duration ran out was not warm in time");
    }

    @Test
    void theVerdictsOwnCodes() {
        assertEquals(0, ExitCode.of(kiln.link.Outcome.PASS));
        assertEquals(1, ExitCode.of(kiln.link.Outcome.FAIL));
        assertEquals(4, ExitCode.of(kiln.link.Outcome.DEGRADED));
        assertEquals(5, ExitCode.of(kiln.link.Outcome.INCONCLUSIVE));
    }
}
