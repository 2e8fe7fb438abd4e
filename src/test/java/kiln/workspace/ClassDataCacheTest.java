package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers' class-data archive: private, reached through kiln's own descriptor, never through a planted link. */
final class ClassDataCacheTest {
    @TempDir
    Path tmp;

    @Test
    void keptDirectory_getsAPrivateCache_reachedThroughTheDescriptor() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (Workspace ws = Workspace.open(data)) {
            ClassDataCache cache = ws.classData().orElseThrow();
            Path dir = data.resolve(Layout.CLASS_DATA_DIR);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertFalse(cache.ready());
            List<String> writer = cache.jvmOptions(true);
            assertEquals(1, writer.size());
            String option = writer.get(0);
            assertTrue(option.startsWith("-XX:ArchiveClassesAtExit=/proc/" + ProcessHandle.current().pid() + "/fd/"), option);
            Path through = Path.of(option.substring(option.indexOf('=') + 1)).getParent();
            assertTrue(Files.isSameFile(through, dir), "the /proc path is the cache directory itself");
            assertEquals(List.of(), cache.jvmOptions(false), "only one worker writes the archive");
            // what the JVM does at exit, then the supervisor at the end of the run
            Files.writeString(Path.of(option.substring(option.indexOf('=') + 1)), "archive");
            Files.writeString(dir.resolve("worker-17-0ldbu1d.jsa"), "another build's");
            cache.runEnded(true);
            assertTrue(cache.ready());
            assertTrue(cache.jvmOptions(true).get(0).startsWith("-XX:SharedArchiveFile=/proc/"), cache.jvmOptions(true).toString());
            try (var s = Files.list(dir)) {
                assertEquals(1, s.count(), "the partial name is gone, and so is the other build's archive");
            }
        }
    }

    @Test
    void directoryMadeForTheRun_hasNoCache() throws Exception {
        try (Workspace ws = Workspace.open(tmp.resolve("fresh"))) {
            assertTrue(ws.classData().isEmpty(), "it goes at the end of the run, and the archive would go with it");
        }
    }

    @Test
    void plantedLinkOrOpenDirectory_isNotUsed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path elsewhere = Files.createDirectories(tmp.resolve("attacker"));
        Files.createSymbolicLink(data.resolve(Layout.CLASS_DATA_DIR), elsewhere);
        try (Workspace ws = Workspace.open(data)) {
            assertTrue(ws.classData().isEmpty());
        }
        try (var s = Files.list(elsewhere)) {
            assertEquals(0, s.count(), "nothing written through the link");
        }
        Files.delete(data.resolve(Layout.CLASS_DATA_DIR));
        Path open = Files.createDirectory(data.resolve(Layout.CLASS_DATA_DIR));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Workspace ws = Workspace.open(data)) {
            assertTrue(ws.classData().isEmpty(), "a directory others may write in could hold their archive");
        }
    }
}
