package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disk panels show devices that hold data, as node_exporter's default device filter does. */
final class DisksTest {
    @TempDir
    Path tmp;

    @Test
    void ramZramLoopFloppyAndOpticalAreLeftOut() {
        for (String virtual : new String[] {"loop0", "loop17", "zram0", "ram3", "fd0", "sr0", "/dev/loop2"}) {
            assertFalse(HardwareSampler.isRealDisk(virtual), virtual);
        }
        for (String real : new String[] {"vda", "sda", "nvme0n1", "xvdb", "md0", "dm-0", "mmcblk0", "/dev/sdb", "loopy"}) {
            assertTrue(HardwareSampler.isRealDisk(real), real);
        }
    }

    private static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", cmd));
        return p.exitValue() == 0 ? out : null;
    }

    @Test
    void aRealSample_hasNoLoopDevice_evenWithOneAttached() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "attaching a loop device needs root");
        Path image = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(4 << 20);
        }
        String loop = sh("losetup", "--find", "--show", image.toString());
        assumeTrue(loop != null && loop.startsWith("/dev/loop"), "no loop device here");
        try (HardwareSampler sampler = new HardwareSampler(tmp, Duration.ofSeconds(60))) {
            sampler.start();
            HostSample s = sampler.latest();
            assertTrue(s.disks().stream().noneMatch(d -> d.name().startsWith("loop") || d.name().startsWith("zram")), s.disks().toString());
            assertEquals(s.disks().stream().map(HostSample.Disk::name).distinct().count(), s.disks().size());
        } finally {
            assertTrue(sh("losetup", "-d", loop) != null, "loop device detached");
        }
    }
}
