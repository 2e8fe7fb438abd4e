package kiln.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import kiln.link.CpuMiscompare;
import org.junit.jupiter.api.Test;

final class VerifyErrorLogTest {
    private static CpuMiscompare fmaLane2() {
        return new CpuMiscompare(0xc0ffeeL, 6, 2, 1L << 17, 1, List.of(), "kiln replay --cpu 0 --method fma --seed c0ffee");
    }

    @Test
    void aCpuMismatch_recordsTheTemperatureBesideTheClock_whereASensorAnswers() {
        VerifyErrorLog log = new VerifyErrorLog();
        log.add(new VerifyErrorLog.Entry(0, "0", kiln.link.Stressor.CPU, "fma", "1", "2", "2600 MHz", 1L, fmaLane2()));
        log.temperature(61.4);
        log.add(new VerifyErrorLog.Entry(0, "0", kiln.link.Stressor.CPU, "fma", "1", "2", "2600 MHz", 2L, fmaLane2()));
        log.add(new VerifyErrorLog.Entry(0, "0", kiln.link.Stressor.MEMORY, "copy", "1", "2", "offset 0x40", 3L, Map.of("reread", "stored")));
        log.temperature(Double.NaN);
        log.add(new VerifyErrorLog.Entry(0, "0", kiln.link.Stressor.CPU, "fma", "1", "2", "", 4L, fmaLane2()));

        List<VerifyErrorLog.Entry> e = log.entries();
        assertEquals("2600 MHz", e.get(0).where(), "no sensor read yet: the clock alone");
        assertEquals("2600 MHz, 61 °C", e.get(1).where(), "the clock and how hot the core was");
        assertEquals("offset 0x40", e.get(2).where(), "a memory error's place is its offset, not the core's heat");
        assertEquals("", e.get(3).where(), "the sensor stopped answering: nothing made up");
        assertEquals(4, log.reported());
    }
}
