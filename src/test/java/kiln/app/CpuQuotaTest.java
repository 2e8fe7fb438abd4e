package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.sampler.CpuQuota;
import org.junit.jupiter.api.Test;

/** The cgroup's CPU quota, read like the kernel writes it, and the CPU load fitted to it. */
final class CpuQuotaTest {
    private static Path fixture(String name) {
        return Path.of("src/test/resources/evidence", name);
    }

    @Test
    void quota_fromV2CpuMax_andV1Cfs_orNone() {
        assertEquals(Optional.of(2.0), CpuQuota.cores(fixture("server-before")), "cpu.max 200000 100000");
        assertEquals(Optional.empty(), CpuQuota.cores(fixture("server-after")), "cpu.max max: no quota");
        assertEquals(Optional.of(0.5), CpuQuota.cores(fixture("vm-quota")), "v1 cfs_quota_us 50000 / 100000");
        assertEquals(Optional.empty(), CpuQuota.cores(fixture("vm")), "v1 cfs_quota_us -1: no quota");
    }

    @Test
    void theLoad_isCutToWhatTheQuotaGives_andSaysSo() {
        Settings s = new SettingsLoader(4).load(null, Map.of("kiln.cpu.load", 100, "kiln.workers.count", 4));
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        Settings fitted = Budget.fitCpuQuota(s, Optional.of(2.0), 2, new PrintStream(msg, true));
        assertEquals(50, fitted.cpu().load(), "4 workers on a 2-core quota: half each");
        assertEquals("kiln: the cgroup's CPU quota is 2.00 cores: 4 workers at 100% would be throttled by it; holding 50% instead\n"
                + "kiln: 4 workers oversubscribe the cgroup's CPU quota of 2.00 cores (2.0 to a core): they share them, so their CPU rates"
                + " show the sharing, not the cores' speed; no core is compared with its siblings (no slow-core finding)\n",
                msg.toString());
        assertEquals(s, Budget.fitCpuQuota(s, Optional.empty(), 2, new PrintStream(new ByteArrayOutputStream())), "no quota");
        Settings low = new SettingsLoader(4).load(null, Map.of("kiln.cpu.load", 30, "kiln.workers.count", 4));
        assertEquals(low, Budget.fitCpuQuota(low, Optional.of(2.0), 2, new PrintStream(new ByteArrayOutputStream())), "fits already");
    }
}
