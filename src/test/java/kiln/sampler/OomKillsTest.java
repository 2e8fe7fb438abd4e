package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OOM killer's counts: the memory cgroup's (v2 memory.events, v1 memory.oom_control), else the host's /proc/vmstat. */
final class OomKillsTest {
    @TempDir
    Path tmp;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(OomKillsTest.class.getResource("/cgroup/" + name).toURI());
    }

    @Test
    void v2_memoryEventsOfTheProcessOwnCgroup_notTheHosts() {
        KernelTree t = new KernelTree(tmp).cgroupV2("/kubepods.slice/pod1")
                .file("sys/fs/cgroup/kubepods.slice/pod1/memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n")
                .file("proc/vmstat", "nr_free_pages 123\noom_kill 40\n");
        assertEquals(Map.of("cgroup", 2L), new OomKills().counters(t.root), "the host's counts every other pod's kills too");
    }

    @Test
    void v1_memoryOomControl() {
        KernelTree t = new KernelTree(tmp).cgroupV1("memory", "/system.slice/kiln.service")
                .file("sys/fs/cgroup/memory/system.slice/kiln.service/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        assertEquals(Map.of("cgroup", 3L), new OomKills().counters(t.root));
    }

    @Test
    void withoutAMemoryCgroup_theHostsVmstat_andWithoutEither_unavailable() {
        KernelTree host = new KernelTree(tmp.resolve("host")).file("proc/vmstat", "nr_free_pages 123\npgfault 9\noom_kill 1\n");
        assertEquals(Map.of(OomKills.KILLS, Map.of("host", 1L)), new OomKills().read(host.root));
        KernelTree old = new KernelTree(tmp.resolve("old")).file("proc/vmstat", "nr_free_pages 123\n");
        assertEquals(Map.of(), new OomKills().read(old.root), "a kernel before 4.13 has no oom_kill: absent, not 0");
    }

    @Test
    void theKernelTreesKeptAsResources() throws Exception {
        assertEquals(Map.of("cgroup", 3L), new OomKills().counters(resource("v1")), "v1: memory.oom_control, no vmstat here");
        assertEquals(Map.of("cgroup", 2L), new OomKills().counters(resource("v2")),
                "v2: memory.events of the process's cgroup; the host's vmstat, with other containers' kills, is not read");
        assertEquals(Map.of("host", 0L), new OomKills().counters(Path.of("src/test/resources/evidence/no-cgroup")),
                "without a memory cgroup, the host's /proc/vmstat");
        assertEquals(Map.of(), new OomKills().counters(resource("none")), "a counter the kernel lacks is absent, not 0");
    }

    @Test
    void theTotalIsTheLargestPlace_andTheFindingSaysWhatWasLost() {
        assertEquals(3, OomKills.KILLS.total(Map.of("cgroup", 1L, "host", 3L)), "the cgroup's kills are among the host's");
        assertEquals(Evidence.Kind.LOST_WORK, OomKills.KILLS.kind());
        assertEquals("1 process was killed by the kernel's OOM killer during the run (cgroup): memory ran out, so the run did not"
                + " stress as asked; the kernel log (dmesg) names what was killed", OomKills.KILLS.finding(1, List.of("cgroup")));
    }

    @Test
    void thisMachine_oneCounter_theCgroupsOrTheHosts() {
        Map<String, Long> m = new OomKills().counters(Path.of("/"));
        assertTrue(m.size() <= 1, m.toString());
        assertTrue(Set.of("cgroup", "host").containsAll(m.keySet()), m.toString());
        if (m.containsKey("host")) {
            assertTrue(m.get("host") <= KernelFiles.keyed(Path.of("/proc/vmstat"), "oom_kill"), "the host's count, which only grows");
        }
    }
}
