package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import org.junit.jupiter.api.Test;

/** What a run decides before it starts: how long to wait for its workers, what to warn of. */
final class RunTest {
    @Test
    void theWaitGrowsWithTheMemoryEachWorkerMustGetFirst() {
        assertEquals(Duration.ofSeconds(20), Run.startTimeout(0), "no memory stressor");
        assertEquals(Duration.ofSeconds(28), Run.startTimeout(1L << 30), "1 GiB at 128 MiB/s: 8 s more");
        long measured = (long) (9.2 * (1L << 30)); // 9.2 GiB per worker took 13 s here, over 20 s under memory pressure
        Duration wait = Run.startTimeout(measured);
        assertTrue(wait.compareTo(Duration.ofSeconds(3 * 20)) > 0, "room for three times the slow case: " + wait);
    }

    private static Settings settings(String duration, String ramp, String load, boolean cpu) {
        return new SettingsLoader(2).load(null, Map.of("kiln.run.duration", duration, "kiln.run.ramp", ramp, "kiln.cpu.load", load,
                "kiln.cpu.enabled", Boolean.toString(cpu)));
    }

    @Test
    void aRampLongerThanTheRun_isToldWithTheLoadItReaches() {
        assertEquals(Optional.of("the CPU ramp (2m00s) is longer than the run (1m00s): the load reaches 40% of its 80% target by the end"),
                Run.rampWarning(settings("1m", "2m", "80", true)));
        assertEquals(Optional.of("the CPU ramp (2h00m) is longer than the run (3s): the load reaches 0% of its 100% target by the end"),
                Run.rampWarning(settings("3s", "2h", "100", true)));
        assertEquals(Optional.empty(), Run.rampWarning(settings("1m", "1m", "100", true)), "reached at the last moment: no warning");
        assertEquals(Optional.empty(), Run.rampWarning(settings("1m", "0s", "100", true)));
        assertEquals(Optional.empty(), Run.rampWarning(settings("1m", "2m", "100", false)), "no burners, nothing to ramp");
    }
}
