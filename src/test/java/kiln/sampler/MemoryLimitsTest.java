package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Memory limits from files shaped exactly like the kernel's (src/test/resources/cgroup/…). */
final class MemoryLimitsTest {
    private static final long MIB = 1 << 20;

    private static MemoryLimits fixture(String name) throws URISyntaxException {
        return MemoryLimits.read(Path.of(MemoryLimitsTest.class.getResource("/cgroup/" + name).toURI()));
    }

    @Test
    void meminfo_totalAndAvailable() throws Exception {
        MemoryLimits m = fixture("none");
        assertEquals(24_592_128L * 1024, m.totalBytes());
        assertEquals(22_745_088L * 1024, m.availableBytes());
        assertEquals(-1, m.cgroupLimit(), "no cgroup files: no limit");
        assertEquals((long) (22_745_088L * 1024 * 0.9), m.allowed(0.9));
    }

    @Test
    void cgroupV1_limitOfTheProcessOwnCgroup() throws Exception {
        MemoryLimits m = fixture("v1");
        assertEquals(512 * MIB, m.cgroupLimit());
        assertEquals(412 * MIB, m.cgroupHeadroom(), "limit minus usage_in_bytes");
        assertEquals((long) (412 * MIB * 0.9), m.allowed(0.9), "the cgroup, not the machine, bounds the memory stressor");
    }

    @Test
    void cgroupV1_inAContainer_theHierarchicalLimitBinds() throws Exception {
        MemoryLimits m = fixture("v1-container");
        assertEquals(256 * MIB, m.cgroupLimit(), "memory.limit_in_bytes says none, a parent's limit still binds");
        assertEquals(206 * MIB, m.cgroupHeadroom());
    }

    @Test
    void cgroupV1_unlimited_isNoLimit() throws Exception {
        MemoryLimits m = fixture("v1-unlimited");
        assertEquals(-1, m.cgroupLimit());
        assertEquals(-1, m.cgroupHeadroom());
    }

    @Test
    void cgroupV2_theTightestAncestorBinds() throws Exception {
        MemoryLimits m = fixture("v2");
        assertEquals(1024 * MIB, m.cgroupLimit(), "the service says max; its slice has 1 GiB");
        assertEquals(1_073_741_824L - 943_718_400L, m.cgroupHeadroom(), "the slice's own use counts");
    }

    private static Path root(String name) throws URISyntaxException {
        return Path.of(MemoryLimitsTest.class.getResource("/cgroup/" + name).toURI());
    }

    @Test
    void pageSize_fromSmaps_else4KiB() throws Exception {
        assertEquals(64 * 1024, MemoryLimits.pageSize(root("v1")), "an ARM kernel with 64 KiB pages");
        assertEquals(4096, MemoryLimits.pageSize(root("none")));
    }

    @Test
    void thisMachine_isReadWithoutOshi() {
        MemoryLimits m = MemoryLimits.read();
        assertTrue(m.totalBytes() > 0 && m.availableBytes() > 0 && m.availableBytes() <= m.totalBytes(), m.toString());
    }
}
