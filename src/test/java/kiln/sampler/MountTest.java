package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where kiln's files go, for kiln_host_fs_free_bytes{mountpoint}: from a mount table shaped like the kernel's. */
final class MountTest {
    @TempDir
    Path tmp;

    @Test
    void mountOf_isTheLongestMountPointAbove() throws Exception {
        Path table = Files.writeString(tmp.resolve("mountinfo"), String.join("\n",
                "22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
                "25 22 0:23 / /tmp rw,nosuid,nodev shared:5 - tmpfs tmpfs rw",
                "26 22 0:24 / /tm rw shared:6 - tmpfs tmpfs rw",
                "27 22 0:25 / /mnt/my\\040disk rw shared:7 - ext4 /dev/vdb1 rw", ""));
        assertEquals("/tmp", HardwareSampler.mountOf(table, Path.of("/tmp/kiln-data/not-made-yet")), "nearest existing parent");
        assertEquals("/", HardwareSampler.mountOf(table, Path.of("/var/lib/kiln")));
        assertEquals("/", HardwareSampler.mountOf(tmp.resolve("missing"), Path.of("/tmp")), "no table: the root");
    }
}
