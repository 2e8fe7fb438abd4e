package kiln.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Back-off and crash loops on a clock the test moves. */
final class RestartPolicyTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void backoffDoubles_thenACrashLoopIsGivenUpOn() {
        RestartPolicy p = new RestartPolicy();
        long now = 1_000 * S;
        assertEquals(S / 2, p.died(now));
        assertEquals(S, p.died(now += S));
        assertEquals(2 * S, p.died(now += S));
        assertEquals(4 * S, p.died(now += S));
        assertEquals(-1, p.died(now += S), "the fifth death within a minute");
    }

    @Test
    void deathsOutsideTheWindow_areForgotten_andTheBackoffIsCapped() {
        RestartPolicy p = new RestartPolicy();
        long now = 0;
        for (int i = 0; i < 20; i++) {
            now += 61 * S; // one death a minute: never a crash loop
            assertEquals(S / 2, p.died(now), "death " + i);
        }
        assertEquals(1, p.recentDeaths());
        RestartPolicy q = new RestartPolicy();
        assertEquals(S / 2, q.died(0));
        for (int i = 1; i < 4; i++) {
            q.died(i * 20 * S);
        }
        assertEquals(4, q.recentDeaths(), "60 s apart is still within the minute");
        assertEquals(RestartPolicy.BACKOFF_MIN_NANOS << 3, q.died(80 * S), "the first death has left the window: 4, not 5");
    }
}
