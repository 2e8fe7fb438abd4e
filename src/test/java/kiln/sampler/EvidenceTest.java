package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kiln.sampler.Evidence.Source;
import org.junit.jupiter.api.Test;

/** The registry of evidence readers on fixture trees shaped like the kernel's, and on this machine's own files; each reader has its own test. */
final class EvidenceTest {
    private static Path fixture(String name) {
        return Path.of("src/test/resources/evidence", name);
    }

    @Test
    void server_everySourceIsRead() {
        Evidence e = Evidence.read(fixture("server-before"));
        for (Source s : EvidenceSources.BUILT_IN.sources()) {
            assertTrue(e.available(s), s + " is there on this server");
        }
        assertEquals(Map.of("mc0", 0L, "mc0/dimm0", 0L, "mc0/dimm1", 0L, "mc1", 0L, "mc1/csrow0", 0L),
                e.sources().get(Edac.CORRECTED), "per DIMM where the kernel has dimm*, per csrow otherwise");
        assertEquals(Map.of("cpu0", 0L, "cpu1", 0L, "cpu2", 0L, "cpu3", 0L), e.sources().get(Interrupts.MACHINE_CHECKS));
        assertEquals(8, e.sources().get(ThermalThrottle.THROTTLE).size(), "core and package, for 4 cpus");
        assertEquals(Map.of("nr_throttled", 0L, "throttled_usec", 0L), e.sources().get(CgroupCpuStat.THROTTLED));
    }

    @Test
    void server_whatGrewDuringTheRun_isNamedByPlace() {
        Evidence delta = Evidence.read(fixture("server-after")).since(Evidence.read(fixture("server-before")));
        assertEquals(Optional.of(3L), delta.total(Edac.CORRECTED), "the controller's count, not controller + DIMM");
        assertEquals(List.of("mc0", "mc0/dimm1"), delta.nonZero(Edac.CORRECTED));
        assertEquals(Optional.of(0L), delta.total(Edac.UNCORRECTED));
        assertEquals(Optional.of(1L), delta.total(Interrupts.MACHINE_CHECKS));
        assertEquals(List.of("cpu2"), delta.nonZero(Interrupts.MACHINE_CHECKS));
        assertEquals(List.of("cpu3"), delta.nonZero(Interrupts.THERMAL_EVENTS));
        assertEquals(Optional.of(2L), delta.total(Interrupts.THRESHOLD_EVENTS));
        assertEquals(List.of("cpu3/core"), delta.nonZero(ThermalThrottle.THROTTLE));
        assertEquals(Optional.of(40L), delta.total(CgroupCpuStat.THROTTLED), "periods throttled, not microseconds");
        assertEquals(1_000_000L, delta.sources().get(CgroupCpuStat.THROTTLED).get("throttled_usec"));
    }

    @Test
    void vm_missingSourcesAreUnavailable_neverZero() {
        Evidence e = Evidence.read(fixture("vm"));
        assertFalse(e.available(Edac.CORRECTED));
        assertEquals(Optional.empty(), e.total(Edac.UNCORRECTED));
        assertFalse(e.available(Interrupts.MACHINE_CHECKS), "no MCE row in this VM's /proc/interrupts");
        assertFalse(e.available(ThermalThrottle.THROTTLE));
        assertTrue(e.available(Interrupts.THERMAL_EVENTS));
        assertEquals(Map.of("cpu0", 0L, "cpu1", 0L), e.sources().get(Interrupts.THERMAL_EVENTS));
        assertEquals(Map.of("nr_throttled", 7L, "throttled_usec", 123456L), e.sources().get(CgroupCpuStat.THROTTLED),
                "cgroup v1 counts nanoseconds");
        assertEquals(Optional.empty(), e.since(Evidence.read(Path.of("/nonexistent"))).total(Interrupts.THERMAL_EVENTS),
                "a source missing at either end has no delta");
    }

    @Test
    void thisMachine_readsWhatExists_andOnlyThat() throws Exception {
        Evidence e = Evidence.read();
        String interrupts = Files.readString(Path.of("/proc/interrupts"));
        assertEquals(interrupts.matches("(?s).*\\n\\s*MCE:.*"), e.available(Interrupts.MACHINE_CHECKS));
        assertEquals(interrupts.matches("(?s).*\\n\\s*TRM:.*"), e.available(Interrupts.THERMAL_EVENTS));
        assertEquals(Files.exists(Path.of("/sys/devices/system/edac/mc/mc0/ce_count")), e.available(Edac.CORRECTED));
        assertEquals(Files.exists(Path.of("/sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count")),
                e.available(ThermalThrottle.THROTTLE));
        if (e.available(Interrupts.THERMAL_EVENTS)) {
            assertEquals(Runtime.getRuntime().availableProcessors() <= e.sources().get(Interrupts.THERMAL_EVENTS).size(), true,
                    "one count per cpu column");
        }
    }

    @Test
    void theBuiltInSources_inTheOrderReportsListThem() {
        assertEquals(List.of("edac_corrected", "edac_uncorrected", "machine_checks", "thermal_events", "threshold_events", "deferred_errors",
                "thermal_throttle", "cgroup_cpu_throttled", "oom_kills"),
                EvidenceSources.BUILT_IN.sources().stream().map(Source::label).toList());
        assertEquals(EvidenceSources.BUILT_IN.sources(), new Evidence(Map.of()).consulted(), "nothing read: every source consulted, none there");
        assertEquals(Optional.of(Interrupts.MACHINE_CHECKS), EvidenceSources.BUILT_IN.byLabel("machine_checks"));
    }

    @Test
    void aLabelRegisteredTwice_isRefused() {
        EvidenceReader again = new EvidenceReader() {
            @Override
            public List<Source> sources() {
                return List.of(new PlainSource("machine_checks", "again", Evidence.Kind.FAULT, "again", List.of()));
            }

            @Override
            public Map<Source, Map<String, Long>> read(Path root) {
                return Map.of();
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvidenceSources.BUILT_IN.with(again));
        assertEquals("evidence source label registered twice: machine_checks", e.getMessage());
    }

    @Test
    void aReaderThatFails_leavesItsSourcesUnavailable_andTheOthersRead() {
        Source broken = new PlainSource("broken", "a reader that throws", Evidence.Kind.FAULT, "broken", List.of());
        EvidenceReader throwing = new EvidenceReader() {
            @Override
            public List<Source> sources() {
                return List.of(broken);
            }

            @Override
            public Map<Source, Map<String, Long>> read(Path root) {
                throw new IllegalStateException("unexpected kernel text");
            }
        };
        Evidence e = EvidenceSources.BUILT_IN.with(throwing).read(fixture("server-before"));
        assertFalse(e.available(broken));
        assertTrue(e.consulted().contains(broken), "consulted, so reports say it is unavailable");
        assertTrue(e.available(Interrupts.MACHINE_CHECKS));
    }

    @Test
    void everySource_isInTheVerdictDocs_withWhatItDoesToTheVerdict() throws Exception {
        List<String> rows = Files.readAllLines(Path.of("docs/verdict.md")).stream().map(String::trim).filter(l -> l.startsWith("| `")).toList();
        for (Source s : EvidenceSources.BUILT_IN.sources()) {
            String kind = s.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            assertTrue(rows.stream().anyMatch(r -> r.startsWith("| `" + s.label() + "` |") && r.contains("| " + kind + ":")),
                    s.label() + " (" + kind + ") has no row in docs/verdict.md's table of sources");
        }
    }
}
