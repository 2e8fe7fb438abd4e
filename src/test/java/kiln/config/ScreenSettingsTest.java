package kiln.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kiln.screen.*: the defaults, and each bad value named with its key, the value and the rule. */
final class ScreenSettingsTest {
    private final SettingsLoader loader = new SettingsLoader(4);

    private String refused(String key, Object value) {
        return assertThrows(SettingsException.class, () -> loader.load(null, Map.of(key, value))).getMessage();
    }

    @Test
    void defaults_areOffOneCoreTwoSecondsADayOnePercent() {
        Settings.Screen s = loader.load(null, Map.of()).screen();
        assertFalse(s.enabled());
        assertEquals(1, s.coresAtOnce());
        assertEquals(Duration.ofSeconds(2), s.burst().perMethod());
        assertEquals(16L << 20, s.burst().memoryBytes());
        assertEquals(Duration.ofHours(24), s.window());
        assertEquals(50, s.limits().maxLoadPercent());
        assertEquals(1.0, s.limits().dutyPercent());
        assertEquals(Settings.Screen.Fault.NONE, s.fault());
        assertEquals(Settings.Screen.OFF, s, "the constant says the reference's defaults");
    }

    @Test
    void values_areRead() {
        Settings.Screen s = loader.load(null, Map.of("kiln.screen.enabled", true, "kiln.screen.cores-at-once", 2,
                "kiln.screen.duty", "0.5", "kiln.screen.inject-fault", "CPU:FMA", "kiln.screen.inject-fault-cpu", 3)).screen();
        assertEquals(0.5, s.limits().dutyPercent());
        assertEquals(2, s.coresAtOnce());
        assertEquals(new Settings.Screen.Fault("cpu:fma", 3), s.fault());
    }

    @Test
    void badValues_nameTheKeyTheValueAndTheRule() {
        assertEquals("kiln.screen.cores-at-once = 5: expected a whole number from 1 to 4", refused("kiln.screen.cores-at-once", 5));
        assertEquals("kiln.screen.burst = \"500ms\": expected a duration from 1s to 1m00s", refused("kiln.screen.burst", "500ms"));
        assertEquals("kiln.screen.duty = 0: expected a number from 0.01 to 100", refused("kiln.screen.duty", 0));
        assertEquals("kiln.screen.duty = \"lots\": expected a number from 0.01 to 100", refused("kiln.screen.duty", "lots"));
        assertEquals("kiln.screen.max-load = 101: expected a whole number from 1 to 100", refused("kiln.screen.max-load", 101));
        assertEquals("kiln.screen.inject-fault = \"cpu:nope\": expected cpu:<method> with a method of int, float, sha256, factorial, fma,"
                + " aes, crc32c, deflate, copy, transcendental", refused("kiln.screen.inject-fault", "cpu:nope"));
        assertEquals("kiln.screen.inject-fault = \"files\": expected one of cpu, memory (\"\" for none)",
                refused("kiln.screen.inject-fault", "files"));
        assertEquals("kiln.screen.inject-fault-cpu = 4: expected a whole number from 0 to 3", refused("kiln.screen.inject-fault-cpu", 4));
        assertEquals("kiln.screen.inject-fault = \"memory\": the screen has no memory check (kiln.screen.memory = 0)",
                assertThrows(SettingsException.class, () -> loader.load(null, Map.of("kiln.screen.inject-fault", "memory",
                        "kiln.screen.memory", 0))).getMessage());
    }
}
