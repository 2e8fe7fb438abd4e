package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.sampler.MemoryLimits;
import org.junit.jupiter.api.Test;

/** Files on a memory-backed --dir are memory: max-files is cut to fit the budget, or the run refused. */
final class FilePagesBudgetTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    /** A 600 MiB cgroup with 560 MiB free, on a large machine. */
    private static final MemoryLimits CGROUP = new MemoryLimits(24 * GIB, 20 * GIB, 600 * MIB, 560 * MIB);

    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    private final PrintStream messages = new PrintStream(said, true, StandardCharsets.UTF_8);

    private static Settings settings(long maxFiles) {
        return new SettingsLoader(2).load(null, Map.of("kiln.files.max-files", maxFiles, "kiln.files.dir", "/dev/shm/kiln-test"));
    }

    @Test
    void aFileCostsItsWholePagesAndItsInode() {
        Settings s = settings(1000);
        assertEquals(4096 + 1024, Budget.bytesPerFile(s, 4096));
        assertEquals(65536 + 1024, Budget.bytesPerFile(s, 65536), "a 64 KiB-page kernel");
        assertEquals(2 * (1000 + 1000) * 5120L, Budget.filePagesBytes(s, "tmpfs", 4096), "kept files and those in flight, every worker");
        assertEquals(0, Budget.filePagesBytes(s, "ext4", 4096), "a disk's page cache is reclaimed, not OOM-killed for");
    }

    @Test
    void onATmpfs_maxFilesIsCutToFit_sayingWhatAndWhy() throws Exception {
        Settings s = Budget.fitFilePages(settings(200_000), CGROUP, "tmpfs", 4096, messages);
        long jvms = 2 * kiln.supervisor.Stress.workerFootprintBytes(settings(200_000));
        long fit = ((long) (560 * MIB * 0.9) - jvms) / 2 / 5120 - 1000;
        assertEquals(fit, s.files().maxFiles());
        assertTrue(fit > 10_000 && fit < 50_000, "a useful storm still: " + fit);
        assertEquals("kiln: --max-files 200000 cut to " + fit + ": the files live in memory (tmpfs at /dev/shm): 2 workers × (max-files + 1000 in"
                + " flight) × 5.0 KiB (a 1.0 KiB file in whole 4.0 KiB pages, and its inode) count against 90% of what is available"
                + " (20.0 GiB available, cgroup limit 600.0 MiB with 560.0 MiB free), less " + kiln.util.Sizes.human(jvms)
                + " for 2 worker JVMs\n", said.toString(StandardCharsets.UTF_8));
    }

    @Test
    void whatFits_orADisk_isLeftAlone() throws Exception {
        Settings small = settings(1000);
        assertSame(small, Budget.fitFilePages(small, CGROUP, "tmpfs", 4096, messages));
        Settings big = settings(200_000);
        assertSame(big, Budget.fitFilePages(big, CGROUP, "xfs", 4096, messages));
        assertEquals("", said.toString(StandardCharsets.UTF_8));
    }

    @Test
    void nothingFitting_isRefused_sayingWhatToDo() {
        MemoryLimits tight = new MemoryLimits(24 * GIB, 20 * GIB, 300 * MIB, 260 * MIB);
        Budget.NothingFits e = assertThrows(Budget.NothingFits.class,
                () -> Budget.fitFilePages(settings(200_000), tight, "tmpfs", 4096, messages));
        assertTrue(e.getMessage().startsWith("no file storm fits in memory: the files live in memory (tmpfs at /dev/shm)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("fewer than 100. Give kiln more memory, fewer workers (--workers), or a --dir on a disk"),
                e.getMessage());
    }

    @Test
    void theMemoryStressor_getsWhatTheFilesLeave() {
        Settings s = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "10g", "kiln.files.max-files", 10_000,
                "kiln.files.dir", "/dev/shm/kiln-test"));
        long files = Budget.filePagesBytes(s, "tmpfs", 4096);
        long withFiles = Budget.memoryPerWorker(s, CGROUP, files, messages);
        long without = Budget.memoryPerWorker(s, CGROUP, 0, messages);
        assertEquals(without - files / 2, withFiles, 8, "each worker's buffer is smaller by its share of the files");
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("are the files on a memory-backed --dir"), said.toString());
    }
}
