package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thermal driver's per-cpu throttle counts in sysfs. */
final class ThermalThrottleTest {
    private static final String CPU = "sys/devices/system/cpu/";

    @TempDir
    Path tmp;

    @Test
    void coreAndPackage_perCpu_otherFilesIgnored() {
        KernelTree t = new KernelTree(tmp).file(CPU + "online", "0-1\n").file(CPU + "cpu0/online", "1\n");
        for (String cpu : List.of("cpu0", "cpu1")) {
            t.file(CPU + cpu + "/thermal_throttle/core_throttle_count", cpu.equals("cpu1") ? "7\n" : "0\n")
                    .file(CPU + cpu + "/thermal_throttle/core_throttle_max_time_ms", "120\n")
                    .file(CPU + cpu + "/thermal_throttle/core_throttle_total_time_ms", "900\n")
                    .file(CPU + cpu + "/thermal_throttle/package_throttle_count", "1\n");
        }
        t.file(CPU + "cpufreq/policy0/scaling_cur_freq", "2600000\n");
        Map<String, Long> m = new ThermalThrottle().read(tmp).get(ThermalThrottle.THROTTLE);
        assertEquals(Map.of("cpu0/core", 0L, "cpu0/package", 1L, "cpu1/core", 7L, "cpu1/package", 1L), m);
        Evidence e = new Evidence(List.of(ThermalThrottle.THROTTLE), Map.of(ThermalThrottle.THROTTLE, m));
        assertEquals(Optional.of(9L), e.total(ThermalThrottle.THROTTLE));
        assertEquals(List.of("cpu0/package", "cpu1/core", "cpu1/package"), e.nonZero(ThermalThrottle.THROTTLE));
    }

    @Test
    void cpusWithoutTheThermalDriver_areUnavailable() {
        KernelTree t = new KernelTree(tmp).file(CPU + "cpu0/cpufreq/scaling_cur_freq", "2600000\n").file(CPU + "cpu1/online", "1\n");
        assertEquals(Map.of(), new ThermalThrottle().read(t.root));
    }

    @Test
    void series_perCpuAndScope() {
        Evidence.Series s = ThermalThrottle.THROTTLE.series().get(0);
        assertEquals("kiln.thermal.throttle.events", s.name());
        assertEquals(Optional.of(Map.of("cpu", "3", "scope", "package")), s.labels().apply("cpu3/package"));
        assertEquals(Evidence.Kind.THROTTLING, ThermalThrottle.THROTTLE.kind());
    }

    @Test
    void thisMachine_readsItsCounts_whereTheDriverIsLoaded() {
        boolean driver = Files.exists(Path.of("/" + CPU + "cpu0/thermal_throttle/core_throttle_count"));
        assertEquals(driver, new ThermalThrottle().read(Path.of("/")).containsKey(ThermalThrottle.THROTTLE));
    }
}
