package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kiln run} on a small ext4 made with few inodes, on a loop device (root only;
 * skipped otherwise, saying so): a default run leaves the host the free-inode floor, and a floor
 * the file system cannot give is refused at start. The image is sparse, unmounted and its loop
 * device detached after each test.
 */
@Timeout(180)
final class InodeFloorIT {
    /** Inodes asked of mkfs: ext4 rounds up to whole groups (2,080 for a 1.2 GiB image). */
    private static final int INODES = 2048;

    @TempDir
    Path tmp;
    private Path mount;

    static int sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    static String out(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor(20, TimeUnit.SECONDS);
        return s;
    }

    @BeforeEach
    void mountSmallExt4() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "a loop-mounted ext4 needs root: skipped");
        Path image = tmp.resolve("ext4.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(1200L << 20); // sparse: room above the default 1g byte floor, takes a few MiB of the host
        }
        assumeTrue(sh("mkfs.ext4", "-q", "-F", "-N", Integer.toString(INODES), image.toString()) == 0, "no mkfs.ext4 here: skipped");
        mount = Files.createDirectories(tmp.resolve("mnt"));
        assumeTrue(sh("mount", "-o", "loop", image.toString(), mount.toString()) == 0, "cannot loop-mount here: skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null && sh("umount", mount.toString()) != 0) {
            sh("umount", "-l", mount.toString()); // mount -o loop set autoclear: the loop device goes with the mount
        }
    }

    private long[] inodes() throws Exception {
        String[] f = out("stat", "-f", "-c", "%c %d", mount.toString()).split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    @Test
    void aDefaultRun_leavesTheFreeInodeFloor_andSaysWhatTheCountIs() throws Exception {
        long total = inodes()[0];
        long floor = (long) Math.ceil(total * 0.05); // the default, 5%
        AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        String metric;
        try (KilnProcess k = new KilnProcess("run", "--duration", "15s", "--workers", "2", "--no-cpu", "--dir",
                mount.resolve("data").toString(), "--metrics-port", "0")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            String seen = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (k.process.isAlive() && System.nanoTime() < deadline) {
                lowest.accumulateAndGet(inodes()[1], Math::min);
                if (seen.isEmpty()) {
                    try {
                        seen = k.get("/metrics").body();
                    } catch (java.io.IOException e) {
                        // not up yet
                    }
                }
                Thread.sleep(50);
            }
            metric = seen;
            int code = k.waitFor(Duration.ofSeconds(60));
            String output = k.output();
            assertTrue(lowest.get() >= floor, "free inodes went down to " + lowest.get() + ", below the floor of " + floor + " of "
                    + total + "\n" + output);
            assertTrue(output.contains(" 0 I/O errors"), "no file operation failed: the floor kept the file system from filling\n"
                    + output);
            assertEquals(0, code, output);
            assertTrue(output.contains("at the free-inode floor of " + floor + " inodes"), "the storm churned at the floor\n" + output);
        }
        assertTrue(metric.contains("kiln_host_fs_free_inodes{mountpoint=\"" + mount + "\"}"), metric);
        assertEquals(11, inodes()[0] - inodes()[1], "every file and directory kiln made is gone (a new ext4 uses 11)");
    }

    @Test
    void aFloorAtOrAboveTheFileSystemsInodes_isRefusedAtStart_exit3() throws Exception {
        long total = inodes()[0];
        try (KilnProcess k = new KilnProcess("run", "--duration", "5s", "--workers", "1", "--no-cpu", "--dir",
                mount.resolve("data").toString(), "--metrics-port", "0", "--min-free-inodes", Long.toString(total))) {
            assertEquals(3, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("the free-inode floor (min-free-inodes " + total + ") is at or above the " + total
                    + " inodes the file system of " + mount.resolve("data") + " has"), k.output());
            assertTrue(!Files.exists(mount.resolve("data")), "what kiln made for the run is gone again");
        }
    }
}
