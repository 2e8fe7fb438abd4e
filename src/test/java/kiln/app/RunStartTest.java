package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a run waits for its workers to report in. */
final class RunStartTest {
    @Test
    void theWaitGrowsWithTheMemoryEachWorkerMustGetFirst() {
        assertEquals(Duration.ofSeconds(20), Run.startTimeout(0), "no memory stressor");
        assertEquals(Duration.ofSeconds(28), Run.startTimeout(1L << 30), "1 GiB at 128 MiB/s: 8 s more");
        long measured = (long) (9.2 * (1L << 30)); // 9.2 GiB per worker took 13 s here, over 20 s under memory pressure
        Duration wait = Run.startTimeout(measured);
        assertTrue(wait.compareTo(Duration.ofSeconds(3 * 20)) > 0, "room for three times the slow case: " + wait);
    }
}
