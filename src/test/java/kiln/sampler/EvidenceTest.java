package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kiln.sampler.Evidence.Source;
import org.junit.jupiter.api.Test;

/** The evidence readers on fixture trees shaped like the kernel's, and on this machine's own files. */
final class EvidenceTest {
    private static Path fixture(String name) {
        return Path.of("src/test/resources/evidence", name);
    }

    @Test
    void server_everySourceIsRead() {
        Evidence e = Evidence.read(fixture("server-before"));
        for (Source s : Source.values()) {
            assertTrue(e.available(s), s + " is there on this server");
        }
        assertEquals(Map.of("mc0", 0L, "mc0/dimm0", 0L, "mc0/dimm1", 0L, "mc1", 0L, "mc1/csrow0", 0L),
                e.sources().get(Source.EDAC_CORRECTED), "per DIMM where the kernel has dimm*, per csrow otherwise");
        assertEquals(Map.of("cpu0", 0L, "cpu1", 0L, "cpu2", 0L, "cpu3", 0L), e.sources().get(Source.MACHINE_CHECKS));
        assertEquals(8, e.sources().get(Source.THROTTLE).size(), "core and package, for 4 cpus");
        assertEquals(Map.of("nr_throttled", 0L, "throttled_usec", 0L), e.sources().get(Source.CGROUP_CPU_THROTTLED));
    }

    @Test
    void server_whatGrewDuringTheRun_isNamedByPlace() {
        Evidence delta = Evidence.read(fixture("server-after")).since(Evidence.read(fixture("server-before")));
        assertEquals(Optional.of(3L), delta.total(Source.EDAC_CORRECTED), "the controller's count, not controller + DIMM");
        assertEquals(List.of("mc0", "mc0/dimm1"), delta.nonZero(Source.EDAC_CORRECTED));
        assertEquals(Optional.of(0L), delta.total(Source.EDAC_UNCORRECTED));
        assertEquals(Optional.of(1L), delta.total(Source.MACHINE_CHECKS));
        assertEquals(List.of("cpu2"), delta.nonZero(Source.MACHINE_CHECKS));
        assertEquals(List.of("cpu3"), delta.nonZero(Source.THERMAL_EVENTS));
        assertEquals(Optional.of(2L), delta.total(Source.THRESHOLD_EVENTS));
        assertEquals(List.of("cpu3/core"), delta.nonZero(Source.THROTTLE));
        assertEquals(Optional.of(40L), delta.total(Source.CGROUP_CPU_THROTTLED), "periods throttled, not microseconds");
        assertEquals(1_000_000L, delta.sources().get(Source.CGROUP_CPU_THROTTLED).get("throttled_usec"));
    }

    @Test
    void vm_missingSourcesAreUnavailable_neverZero() {
        Evidence e = Evidence.read(fixture("vm"));
        assertFalse(e.available(Source.EDAC_CORRECTED));
        assertEquals(Optional.empty(), e.total(Source.EDAC_UNCORRECTED));
        assertFalse(e.available(Source.MACHINE_CHECKS), "no MCE row in this VM's /proc/interrupts");
        assertFalse(e.available(Source.THROTTLE));
        assertTrue(e.available(Source.THERMAL_EVENTS));
        assertEquals(Map.of("cpu0", 0L, "cpu1", 0L), e.sources().get(Source.THERMAL_EVENTS));
        assertEquals(Map.of("nr_throttled", 7L, "throttled_usec", 123456L), e.sources().get(Source.CGROUP_CPU_THROTTLED),
                "cgroup v1 counts nanoseconds");
        assertEquals(Optional.empty(), e.since(Evidence.read(Path.of("/nonexistent"))).total(Source.THERMAL_EVENTS),
                "a source missing at either end has no delta");
    }

    @Test
    void thisMachine_readsWhatExists_andOnlyThat() throws Exception {
        Evidence e = Evidence.read();
        String interrupts = Files.readString(Path.of("/proc/interrupts"));
        assertEquals(interrupts.matches("(?s).*\\n\\s*MCE:.*"), e.available(Source.MACHINE_CHECKS));
        assertEquals(interrupts.matches("(?s).*\\n\\s*TRM:.*"), e.available(Source.THERMAL_EVENTS));
        assertEquals(Files.exists(Path.of("/sys/devices/system/edac/mc/mc0/ce_count")), e.available(Source.EDAC_CORRECTED));
        assertEquals(Files.exists(Path.of("/sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count")),
                e.available(Source.THROTTLE));
        if (e.available(Source.THERMAL_EVENTS)) {
            assertEquals(Runtime.getRuntime().availableProcessors() <= e.sources().get(Source.THERMAL_EVENTS).size(), true,
                    "one count per cpu column");
        }
    }
}
