package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inode counts on real tmpfs mounts (root only; skipped otherwise, saying so), by the reader this
 * JDK uses (statvfs by FFM on 22+, by JNA on 17 where the class path has it) and by the {@code stat}
 * command the JDK 17 workers use.
 */
@Timeout(60)
final class InodesTest {
    @TempDir
    Path tmp;
    private Path mount;

    private static int sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private Path tmpfs(String options) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root: skipped");
        mount = Files.createDirectories(tmp.resolve("fs"));
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", options, "kiln-inodes", mount.toString()) == 0, "cannot mount a tmpfs: skipped");
        return mount;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            sh("umount", "-l", mount.toString());
        }
    }

    @Test
    void aTmpfsOf500Inodes_isCountedAlike_byThisJdksReader_andByStat() throws Exception {
        Path fs = tmpfs("size=4m,nr_inodes=500");
        for (int i = 0; i < 20; i++) {
            Files.createFile(fs.resolve("f" + i));
        }
        Inodes.Count stat = new Inodes.StatCommand().read(fs);
        Inodes.Count best = Inodes.read(fs.resolve("not-yet/made"));
        assertEquals(500, stat.total());
        assertEquals(500 - 1 - 20, stat.free(), "the root directory and 20 files");
        assertEquals(stat, best, Inodes.reader().getClass().getSimpleName());
        assertEquals(Boolean.getBoolean("kiln.expect-native-io") ? "NativeStatvfs" : "JnaStatvfs",
                Inodes.reader().getClass().getSimpleName(), "JDK 22+ reads statvfs itself; on 17 the supervisor's class path has JNA");
    }

    @Test
    void aTmpfsWithoutAnInodeLimit_countsNone() throws Exception {
        Path fs = tmpfs("size=4m,nr_inodes=0");
        assertFalse(Inodes.read(fs).counted());
        assertFalse(new Inodes.StatCommand().read(fs).counted());
    }
}
