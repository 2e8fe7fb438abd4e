package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup's CPU quota throttling from cpu.stat, v2 and v1, as the kernel writes them. */
final class CgroupCpuStatTest {
    @TempDir
    Path tmp;

    @Test
    void v2_periodsAndMicroseconds_ofTheProcessOwnCgroup() {
        KernelTree t = new KernelTree(tmp).cgroupV2("/system.slice/kiln.service")
                .file("sys/fs/cgroup/cpu.stat", "usage_usec 1\nnr_throttled 999\nthrottled_usec 999\n")
                .file("sys/fs/cgroup/system.slice/kiln.service/cpu.stat", "usage_usec 81234567\nuser_usec 70000000\n"
                        + "system_usec 11234567\nnr_periods 5000\nnr_throttled 40\nthrottled_usec 1000000\nnr_bursts 0\nburst_usec 0\n");
        Map<String, Long> m = new CgroupCpuStat().read(t.root).get(CgroupCpuStat.THROTTLED);
        assertEquals(Map.of("nr_throttled", 40L, "throttled_usec", 1_000_000L), m, "this cgroup's, not the root's");
        Evidence e = new Evidence(List.of(CgroupCpuStat.THROTTLED), Map.of(CgroupCpuStat.THROTTLED, m));
        assertEquals(Optional.of(40L), e.total(CgroupCpuStat.THROTTLED), "periods throttled, not microseconds");
        assertEquals(List.of("nr_throttled"), e.nonZero(CgroupCpuStat.THROTTLED));
        assertEquals(Evidence.Kind.CONTEXT, CgroupCpuStat.THROTTLED.kind(), "the container's quota is not the hardware's fault");
    }

    @Test
    void v1_throttledTimeInNanoseconds_isKeptInMicroseconds() {
        KernelTree t = new KernelTree(tmp).cgroupV1("cpu,cpuacct", "/docker/0123abcd")
                .file("sys/fs/cgroup/cpu,cpuacct/docker/0123abcd/cpu.stat", "nr_periods 300\nnr_throttled 7\nthrottled_time 123456789\n");
        assertEquals(Map.of("nr_throttled", 7L, "throttled_usec", 123_456L), new CgroupCpuStat().read(t.root).get(CgroupCpuStat.THROTTLED));
    }

    @Test
    void noCpuController_orNoThrottleCount_isUnavailable() {
        assertEquals(Map.of(), new CgroupCpuStat().read(new KernelTree(tmp.resolve("a")).cgroupV1("memory", "/x").root));
        KernelTree noCount = new KernelTree(tmp.resolve("b")).cgroupV2("/").file("sys/fs/cgroup/cpu.stat", "usage_usec 5\n");
        assertEquals(Map.of(), new CgroupCpuStat().read(noCount.root), "a cpu.stat without nr_throttled (the root cgroup on old kernels)");
    }

    @Test
    void series_periodsAsACount_timeInSeconds() {
        List<Evidence.Series> s = CgroupCpuStat.THROTTLED.series();
        assertEquals("kiln.cgroup.cpu.throttled.periods", s.get(0).name());
        assertEquals(Optional.of(Map.of()), s.get(0).labels().apply("nr_throttled"));
        assertEquals(Optional.empty(), s.get(0).labels().apply("throttled_usec"));
        assertEquals("kiln.cgroup.cpu.throttled", s.get(1).name());
        assertEquals("seconds", s.get(1).baseUnit());
        assertEquals(1e6, s.get(1).divisor());
    }

    @Test
    void thisMachine_itsCgroupsCounts_whereItHasACpuController() {
        Map<Evidence.Source, Map<String, Long>> m = new CgroupCpuStat().read(Path.of("/"));
        Optional<Path> dir = MemoryLimits.cgroupDir(Path.of("/"), "cpu");
        long now = KernelFiles.keyed(dir.orElse(Path.of("/nonexistent")).resolve("cpu.stat"), "nr_throttled");
        assertEquals(now >= 0, m.containsKey(CgroupCpuStat.THROTTLED));
        if (now >= 0) {
            assertTrue(m.get(CgroupCpuStat.THROTTLED).get("nr_throttled") <= now, "read from the same file, which only grows");
        }
    }
}
