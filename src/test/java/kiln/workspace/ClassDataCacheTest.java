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
    void keptDirectory_getsAPrivateCache_ofTheKindItsJdkTakes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (Workspace ws = Workspace.open(data)) {
            ClassDataCache cache = ws.classData().orElseThrow();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(Layout.CLASS_DATA_DIR))));
            assertEquals(Runtime.version().feature() >= 25, cache.aot(), "an AOT cache from JDK 25, a dynamic archive before");
            assertFalse(cache.ready());
        }
    }

    @Test
    void aotCache_onlyFromJdk25() {
        assertFalse(ClassDataCache.aotCache(Runtime.Version.parse("17.0.15")));
        assertFalse(ClassDataCache.aotCache(Runtime.Version.parse("24.0.2")));
        assertTrue(ClassDataCache.aotCache(Runtime.Version.parse("25")));
        assertTrue(ClassDataCache.aotCache(Runtime.Version.parse("26.0.1")));
    }

    /** The file after {@code =} in a JVM option. */
    private static Path fileOf(String option) {
        return Path.of(option.substring(option.indexOf('=') + 1));
    }

    @Test
    void dynamicArchive_writtenByOneWorkerAtExit_thenMapped_reachedThroughTheDescriptor() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path dir = data.resolve(Layout.CLASS_DATA_DIR);
        try (SecureDir root = SecureDir.openRoot(data); ClassDataCache cache = ClassDataCache.open(root, false).orElseThrow()) {
            List<String> writer = cache.jvmOptions(true);
            assertEquals(1, writer.size());
            String option = writer.get(0);
            assertTrue(option.startsWith("-XX:ArchiveClassesAtExit=/proc/" + ProcessHandle.current().pid() + "/fd/"), option);
            assertTrue(Files.isSameFile(fileOf(option).getParent(), dir), "the /proc path is the cache directory itself");
            assertEquals(List.of(), cache.jvmOptions(false), "only one worker writes the archive");
            assertTrue(cache.assemblyOptions().isEmpty(), "a dynamic archive is written by its worker, not assembled");
            // what the JVM does at exit, then the supervisor at the end of the run
            Files.writeString(fileOf(option), "archive");
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
    void aotCache_recordedByOneWorker_assembledAfterTheRun_thenMapped() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path dir = data.resolve(Layout.CLASS_DATA_DIR);
        try (SecureDir root = SecureDir.openRoot(data); ClassDataCache cache = ClassDataCache.open(root, true).orElseThrow()) {
            List<String> writer = cache.jvmOptions(true);
            assertEquals(2, writer.size(), writer.toString());
            assertEquals("-XX:AOTMode=record", writer.get(0));
            assertTrue(writer.get(1).startsWith("-XX:AOTConfiguration=/proc/" + ProcessHandle.current().pid() + "/fd/"), writer.toString());
            Path config = fileOf(writer.get(1));
            assertTrue(Files.isSameFile(config.getParent(), dir), "the /proc path is the cache directory itself");
            assertEquals(List.of(), cache.jvmOptions(false), "only one worker records");
            assertTrue(cache.assemblyOptions().isEmpty(), "nothing recorded yet: nothing to assemble");

            Files.writeString(config, "recorded"); // what the recording worker's JVM does at exit
            Path second = Files.createLink(tmp.resolve("second-name"), dir.resolve(config.getFileName()));
            assertTrue(cache.assemblyOptions().isEmpty(), "a record with a name outside the private directory goes into no cache");
            Files.delete(second);
            // the JVM writes it 0666 less the umask: under umask 000 kiln narrows its own record before the check
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
            List<String> assembly = cache.assemblyOptions().orElseThrow();
            assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
            assertEquals(List.of("-XX:AOTMode=create", writer.get(1)), assembly.subList(0, 2));
            assertTrue(assembly.get(2).startsWith("-XX:AOTCache=/proc/") && assembly.get(2).endsWith(".aot.partial"), assembly.toString());
            Files.writeString(fileOf(assembly.get(2)), "cache"); // what the assembly writes
            Files.writeString(dir.resolve("worker-24-0ldbu1d.jsa"), "another build's");
            cache.runEnded(true);

            assertTrue(cache.ready());
            List<String> mapped = cache.jvmOptions(true);
            assertEquals(1, mapped.size(), mapped.toString());
            assertTrue(mapped.get(0).startsWith("-XX:AOTCache=/proc/") && mapped.get(0).endsWith(".aot"), mapped.toString());
            assertEquals("cache", Files.readString(fileOf(mapped.get(0))));
            assertTrue(cache.assemblyOptions().isEmpty(), "assembled once");
            try (var s = Files.list(dir)) {
                assertEquals(List.of(fileOf(mapped.get(0)).getFileName().toString()), s.map(p -> p.getFileName().toString()).toList(),
                        "the record, the partial name and the other build's archive are gone");
            }
        }
    }

    @Test
    void aotCache_whoseAssemblyFailed_isNotUsed_andTheNextRunRecordsAgain() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path dir = data.resolve(Layout.CLASS_DATA_DIR);
        try (SecureDir root = SecureDir.openRoot(data); ClassDataCache cache = ClassDataCache.open(root, true).orElseThrow()) {
            Files.writeString(fileOf(cache.jvmOptions(true).get(1)), "recorded");
            Files.writeString(fileOf(cache.assemblyOptions().orElseThrow().get(2)), "half a cache");
            cache.runEnded(false);
            assertFalse(cache.ready());
            assertEquals("-XX:AOTMode=record", cache.jvmOptions(true).get(0));
            try (var s = Files.list(dir)) {
                assertEquals(0, s.count(), "neither the record nor the half-written cache stays");
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

    /** The JVM maps the archive as code: one that others could have written is not used, and the next run's replaces it. */
    @Test
    void anArchiveOthersCouldHaveWritten_isNotMapped_andIsReplaced() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path dir = data.resolve(Layout.CLASS_DATA_DIR);
        try (SecureDir root = SecureDir.openRoot(data); ClassDataCache cache = ClassDataCache.open(root, false).orElseThrow()) {
            Path partial = fileOf(cache.jvmOptions(true).get(0));
            Files.writeString(partial, "archive");
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-rw-rw-")); // as the JVM writes it under umask 000
            cache.runEnded(true);
            assertTrue(cache.ready(), "kiln's own archive, narrowed to r-------- as it took its name");
            Path archive = partial.resolveSibling(partial.getFileName().toString().replace(".partial", ""));
            Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));
            assertFalse(cache.ready(), "world-writable");
            assertTrue(cache.jvmOptions(true).get(0).startsWith("-XX:ArchiveClassesAtExit="), "a new one is written instead");
            Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("r--r--r--"));
            assertTrue(cache.ready());
            Path elsewhere = tmp.resolve("second-name");
            Files.createLink(elsewhere, archive);
            assertFalse(cache.ready(), "a hard link: the file has a name outside kiln's private directory");
            Files.delete(elsewhere);
            try (kiln.testing.OtherUser other = kiln.testing.OtherUser.create()) {
                Files.setAttribute(archive, "unix:uid", other.uid());
                assertFalse(cache.ready(), "another user's");
                Files.writeString(partial, "the next run's archive");
                cache.runEnded(true);
                assertTrue(cache.ready(), "the next run's archive took the name");
                assertEquals("the next run's archive", Files.readString(archive));
            }
            try (var s = Files.list(dir)) {
                assertEquals(1, s.count());
            }
        }
    }
}
