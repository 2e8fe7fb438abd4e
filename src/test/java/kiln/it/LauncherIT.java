package kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code kiln} launcher: what it gives the supervisor JVM, and how it finds the jar once installed. */
@Timeout(120)
final class LauncherIT {
    @TempDir
    Path tmp;

    private static List<String> cmdline(long pid) throws Exception {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
    }

    @Test
    void theSupervisor_getsABoundedHeap_andWritesNothingToTmp() throws Exception {
        try (KilnProcess k = new KilnProcess(Map.of("KILN_JAVA_OPTIONS", "-Dkiln.launcher.test=1"),
                "run", "--duration", "20s", "--workers", "1", "--no-files", "--cpu-load", "10", "--metrics-port", "0")) {
            long pid = k.process.pid();
            List<String> args = cmdline(pid);
            for (int i = 0; i < 100 && !args.get(0).endsWith("java"); i++) { // until env, then the shell, have exec'd
                Thread.sleep(50);
                args = cmdline(pid);
            }
            assertTrue(args.get(0).endsWith("java"), "the launcher execs the JVM, so kiln's pid is the supervisor's: " + args);
            assertTrue(args.containsAll(List.of("-Xmx256m", "-Xmn8m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
                    "-Dkiln.launcher.test=1")), args.toString());
            assertTrue(args.indexOf("-Dkiln.launcher.test=1") > args.indexOf("-Xmx256m"), "KILN_JAVA_OPTIONS come last, so they win");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (k.port() < 0 && System.nanoTime() < deadline && k.process.isAlive()) {
                Thread.sleep(100);
            }
            assertTrue(k.port() > 0, k.output());
            String user = System.getProperty("user.name");
            assertFalse(Files.exists(Path.of(System.getProperty("java.io.tmpdir"), "hsperfdata_" + user, Long.toString(pid))),
                    "no perf-data file for the supervisor");
            k.process.destroy();
            assertEquals(5, k.waitFor(Duration.ofSeconds(30)), "SIGTERM is a clean stop, of a run cut short: " + k.output());
        }
    }

    private static final String[] SHORT_RUN = {"run", "--duration", "2s", "--workers", "1", "--no-files", "--cpu-load", "10",
            "--metrics-port", "0", "--json"};

    /** A short run through the launcher with {@code cache} as its cache directory; its JSON report, checked to be only that. */
    private static void shortRun(Path cache) throws Exception {
        try (KilnProcess k = new KilnProcess(Map.of("KILN_CACHE_DIR", cache.toString()), SHORT_RUN)) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            String json = String.join("\n", k.out).strip();
            // stdout is the report alone, and stderr has no list of the classes the archive leaves out
            assertTrue(json.startsWith("{") && json.endsWith("}"), k.output());
            assertTrue(k.err.stream().noneMatch(l -> l.contains("[cds]") || l.contains("[warning]")), k.output());
            assertEquals("pass", com.typesafe.config.ConfigFactory.parseString(json).getString("verdict"), json);
        }
    }

    private static List<String> names(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theSupervisorsClassDataArchive_isWrittenOnce_mappedAfter_andKeptOnlyWhereNoOneElseCanWrite() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 19,
                "-XX:+AutoCreateSharedArchive needs JDK 19; on 17 the launcher adds no archive");
        var owner = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path cache = Files.createDirectory(tmp.resolve("cache"), owner);
        shortRun(cache);
        List<String> written = names(cache);
        assertEquals(1, written.size(), written.toString());
        assertTrue(written.get(0).matches("supervisor-" + Runtime.version().feature() + "-\\d+\\.jsa"), written.toString());
        Path archive = cache.resolve(written.get(0)).toRealPath();
        long size = Files.size(archive);
        assertTrue(size > 1 << 20, "kiln's classes are in it: " + size);

        try (KilnProcess k = new KilnProcess(Map.of("KILN_CACHE_DIR", cache.toString()),
                "run", "--duration", "20s", "--workers", "1", "--no-files", "--cpu-load", "10", "--metrics-port", "0")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (k.port() < 0 && System.nanoTime() < deadline && k.process.isAlive()) {
                Thread.sleep(100);
            }
            assertTrue(k.port() > 0, k.output());
            String maps = Files.readString(Path.of("/proc", Long.toString(k.process.pid()), "maps"));
            assertTrue(maps.contains(archive.toString()), "the next start maps the archive");
            k.process.destroy();
            assertEquals(5, k.waitFor(Duration.ofSeconds(30)), "cut short: " + k.output());
        }
        assertEquals(written, names(cache), "mapped, not written again");

        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        shortRun(open);
        assertEquals(List.of(), names(open), "a directory others can write would let them hand root's JVM its code");
    }

    /**
     * The archive is code the supervisor JVM maps: a private directory inside one others can write
     * (they could rename it away and put theirs in its place) is not used, and an archive in a private
     * one with a second name (a hard link: the file is reachable from elsewhere) is removed and written again.
     */
    @Test
    void theSupervisorsArchive_notKeptBelowADirectoryOthersCanWrite_norMappedIfOthersCouldWriteIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 19,
                "-XX:+AutoCreateSharedArchive needs JDK 19; on 17 the launcher adds no archive");
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path below = Files.createDirectory(open.resolve("cache"));
        Files.setPosixFilePermissions(below, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        shortRun(below);
        assertEquals(List.of(), names(below), "a private directory in one others can write is theirs to replace");

        Path cache = Files.createDirectory(tmp.resolve("cache"));
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        shortRun(cache);
        Path archive = cache.resolve(names(cache).get(0));
        Path elsewhere = Files.writeString(tmp.resolve("planted"), "planted");
        Files.delete(archive);
        Files.createLink(archive, elsewhere); // the same file under a name outside the private directory
        try (KilnProcess k = new KilnProcess(Map.of("KILN_CACHE_DIR", cache.toString()), SHORT_RUN)) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.err.contains("kiln: removing " + archive.toRealPath().getParent().resolve(archive.getFileName())
                    + ": not a file only this user or root could have written (it is written again)"), k.output());
        }
        assertTrue(Files.size(archive) > 1 << 20, "written again by the JVM");
        assertEquals("planted", Files.readString(elsewhere), "the other name's file is left alone");

        // as the JVM writes it under umask 000: kiln's own, in its private directory, so narrowed and kept
        Files.setPosixFilePermissions(archive, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Object identity = Files.readAttributes(archive, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        shortRun(cache);
        assertEquals(identity, Files.readAttributes(archive, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
        String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(archive));
        assertTrue(mode.charAt(4) == '-' && mode.charAt(7) == '-', mode);
    }

    @Test
    void installedBehindASymlink_findsTheJarBesideIt() throws Exception {
        Path opt = Files.createDirectories(tmp.resolve("opt/kiln/bin"));
        Path launcher = Files.copy(KilnProcess.launcher(), opt.resolve("kiln"));
        Files.copy(KilnProcess.jar(), tmp.resolve("opt/kiln/kiln.jar"));
        Path bin = Files.createDirectories(tmp.resolve("usr/local/bin"));
        Files.createSymbolicLink(bin.resolve("kiln"), launcher);
        Process p = new ProcessBuilder(bin.resolve("kiln").toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("kiln " + KilnProcess.version()), out);
    }

    @Test
    void noJar_saysWhatToSet_andExits3() throws Exception {
        Path alone = Files.copy(KilnProcess.launcher(), tmp.resolve("kiln"));
        ProcessBuilder pb = new ProcessBuilder(alone.toString(), "--version");
        pb.environment().put("KILN_JAR", tmp.resolve("missing.jar").toString());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(3, p.exitValue());
        assertEquals("kiln: cannot find kiln.jar at " + tmp.resolve("missing.jar") + ": set KILN_JAR to its path\n", out);
    }
}
