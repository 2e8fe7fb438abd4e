package kiln.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ext4 on a loop device that can be made to die mid-test: {@link #die()} shuts the file
 * system down with {@code EXT4_IOC_SHUTDOWN} (the kernel's own "the device is gone" switch, which
 * xfstests' {@code godown} uses), after which every operation on it fails with EIO, as on a disk
 * that stopped answering. A device-mapper {@code error} target swapped in would do the same, but
 * needs the kernel's device-mapper, which not every machine (this VM included) has; the shutdown
 * needs only ext4 and a loop device. Needs root, {@code losetup}, {@code mkfs.ext4} and
 * {@code python3} (for the ioctl): the test is skipped, saying which, where one is missing.
 * {@link #close()} unmounts and detaches whatever was made.
 */
public final class DyingExt4 implements AutoCloseable {
    /** {@code _IOR('X', 125, __u32)}: EXT4_IOC_SHUTDOWN, the same number as XFS_IOC_GOINGDOWN. */
    private static final String SHUTDOWN = "0x8004587d";
    /** EXT4_GOING_FLAGS_NOLOGFLUSH: down at once, the journal not flushed, as a device that vanished. */
    private static final int NOLOGFLUSH = 2;

    private final Path image;
    private final Path mount;
    private String device;
    private boolean mounted;

    private DyingExt4(Path image, Path mount) {
        this.image = image;
        this.mount = mount;
    }

    /** Makes and mounts an ext4 of {@code mib} MiB under {@code tmp}; skips the test where that cannot be done here. */
    public static DyingExt4 mount(Path tmp, int mib) throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "a loop-mounted ext4 needs root: skipped");
        for (String tool : List.of("losetup", "mkfs.ext4", "python3")) {
            assumeTrue(sh("sh", "-c", "command -v " + tool) == 0, tool + " is missing: the dying-file-system test is skipped");
        }
        DyingExt4 fs = new DyingExt4(tmp.resolve("ext4.img"), Files.createDirectories(tmp.resolve("ext4")));
        try {
            assumeTrue(sh("truncate", "-s", mib + "M", fs.image.toString()) == 0, "cannot make the image: skipped");
            assumeTrue(sh("mkfs.ext4", "-q", "-F", fs.image.toString()) == 0, "mkfs.ext4 failed: skipped");
            fs.device = out("losetup", "-f", "--show", fs.image.toString());
            assumeTrue(fs.device.startsWith("/dev/loop"), "no loop device: skipped (" + fs.device + ")");
            assumeTrue(sh("mount", "-t", "ext4", fs.device, fs.mount.toString()) == 0, "cannot mount ext4 here: skipped");
            fs.mounted = true;
            return fs;
        } catch (RuntimeException | IOException | InterruptedException e) { // a skip (TestAbortedException) included
            fs.close();
            throw e;
        }
    }

    /** Where the file system is mounted. */
    public Path root() {
        return mount;
    }

    /** Shuts the file system down: from now on its operations fail with EIO. */
    public void die() throws IOException, InterruptedException {
        int rc = sh("python3", "-c", "import fcntl, os, struct, sys\n"
                + "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
                + "fcntl.ioctl(fd, " + SHUTDOWN + ", struct.pack('I', " + NOLOGFLUSH + "))\n", mount.toString());
        if (rc != 0) {
            throw new IOException("EXT4_IOC_SHUTDOWN on " + mount + " failed: exit " + rc);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            if (sh("umount", mount.toString()) != 0) {
                sh("umount", "-l", mount.toString());
            }
            mounted = false;
        }
        if (device != null && device.startsWith("/dev/loop")) {
            sh("losetup", "-d", device);
            device = null;
        }
        Files.deleteIfExists(image);
    }

    private static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static String out(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        p.waitFor(60, TimeUnit.SECONDS);
        return text;
    }
}
