package kiln.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kiln.memory.patterns and kiln.memory.bit-fade: what runs, and what a bad value says. */
final class MemoryPatternsSettingTest {
    private final SettingsLoader loader = new SettingsLoader(4);

    @Test
    void default_runsTheBusyFaultModels_andBurnInAddsBitFade() {
        Settings.Memory m = loader.load(null, Map.of("kiln.memory.size", "64m")).memory();
        assertEquals(List.of("own-address", "moving-inversions", "random", "copy"), m.patterns());
        assertEquals(Duration.ofMinutes(5), m.bitFade());
        Settings.Memory burnin = loader.load(null, Map.of("kiln.run.profile", "burnin")).memory();
        assertTrue(burnin.patterns().contains("bit-fade"), burnin.patterns().toString());
        assertTrue(burnin.patterns().containsAll(m.patterns()), burnin.patterns().toString());
    }

    @Test
    void patterns_areChosenByName_inTheOrderGiven() {
        Settings.Memory m = loader.load(null, Map.of("kiln.memory.size", "64m", "kiln.memory.patterns", "copy, own-address",
                "kiln.memory.bit-fade", "90s")).memory();
        assertEquals(List.of("copy", "own-address"), m.patterns());
        assertEquals(Duration.ofSeconds(90), m.bitFade());
    }

    @Test
    void theFlag_setsTheKey() {
        Map<String, Object> overrides = new LinkedHashMap<>();
        RunParameters.put(overrides, new LinkedHashMap<>(), "memory-patterns", "--memory-patterns", "random");
        assertEquals(Map.of("kiln.memory.patterns", "random"), overrides);
    }

    @Test
    void aBadValue_namesTheKeyTheValueAndTheRule() {
        String rule = "expected all or one or more of own-address, moving-inversions, random, copy, bit-fade, separated by commas";
        assertEquals("kiln.memory.patterns = \"walking-ones\": " + rule + " (walking-ones is none of them)",
                assertThrows(SettingsException.class, () -> loader.load(null, Map.of("kiln.memory.patterns", "walking-ones"))).getMessage());
        assertEquals("kiln.memory.patterns = \"copy,copy\": " + rule + " (copy given twice)",
                assertThrows(SettingsException.class, () -> loader.load(null, Map.of("kiln.memory.patterns", "copy,copy"))).getMessage());
        assertEquals("kiln.memory.patterns = \"\": " + rule,
                assertThrows(SettingsException.class, () -> loader.load(null, Map.of("kiln.memory.patterns", ""))).getMessage());
        assertTrue(assertThrows(SettingsException.class, () -> loader.load(null, Map.of("kiln.memory.bit-fade", "10ms"))).getMessage()
                .startsWith("kiln.memory.bit-fade = \"10ms\": expected a duration from 1s"));
    }
}
