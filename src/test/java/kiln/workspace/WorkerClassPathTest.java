package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import kiln.testing.OtherUser;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers get kiln-worker.jar only when it is the same build of their classes as kiln.jar, no one
 * but root or kiln's user could have changed it, and then only a private copy of the bytes checked.
 */
class WorkerClassPathTest {
    @TempDir
    Path tmp;
    Path full;
    Path lean;
    /** kiln.jar's entries: the worker's packages, a versioned class, and what only the supervisor loads. */
    final Map<String, String> all = new LinkedHashMap<>();

    @BeforeEach
    void jars() throws IOException {
        System.setProperty(PrivateCopy.PROPERTY, tmp.resolve("private").toString());
        all.put("META-INF/MANIFEST.MF", "Main-Class: kiln.cli.Main\n");
        all.put("kiln/worker/WorkerMain.class", "main");
        all.put("kiln/worker/Worker.class", "worker");
        all.put("kiln/workspace/FileIo.class", "io");
        all.put("META-INF/versions/22/kiln/workspace/NativeFileIo.class", "native");
        all.put("org/slf4j/Logger.class", "logger");
        all.put("kiln/cli/Main.class", "cli");
        all.put("io/micrometer/core/Meter.class", "meter");
        full = write("kiln.jar", all);
        lean = tmp.resolve(WorkerClassPath.JAR);
    }

    @AfterEach
    void noPrivateDir() {
        System.clearProperty(PrivateCopy.PROPERTY);
    }

    private Path write(String name, Map<String, String> entries) throws IOException {
        Path p = tmp.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return p;
    }

    /** The worker's share of {@link #all}, with its own manifest. */
    private Map<String, String> workerShare() {
        Map<String, String> w = new LinkedHashMap<>(all);
        w.put("META-INF/MANIFEST.MF", "Multi-Release: true\n");
        w.remove("kiln/cli/Main.class");
        w.remove("io/micrometer/core/Meter.class");
        return w;
    }

    /** The verified bytes, kept where only kiln's user can write, are the class path; not the jar beside kiln.jar. */
    @Test
    void theSameBuildsWorkerShare_isTheWorkersClassPath_asAPrivateCopy() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        assertEquals(Optional.empty(), JarMatch.mismatch(full, lean));
        Path copy = Path.of(chosen());
        assertEquals(tmp.resolve("private"), copy.getParent());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.getParent())));
        assertArrayEquals(Files.readAllBytes(lean), Files.readAllBytes(copy));
    }

    /** Swapped after the check: the workers' class path still holds the bytes checked. */
    @Test
    void aWorkerJarSwappedAfterTheCheck_neverReachesTheWorkers() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        byte[] checked = Files.readAllBytes(lean);
        WorkerClassPath.Choice c = WorkerClassPath.choose(full.toString());
        Map<String, String> evil = workerShare();
        evil.put("kiln/worker/WorkerMain.class", "planted");
        write(WorkerClassPath.JAR, evil);
        assertArrayEquals(checked, Files.readAllBytes(Path.of(c.current())));
        Files.delete(Path.of(c.current())); // a cleaner of /tmp: written again from the bytes checked
        assertArrayEquals(checked, Files.readAllBytes(Path.of(c.current())));
    }

    /** Copies of other builds nothing read for a week go (one per build would pile up in /tmp); recent ones stay. */
    @Test
    void staleCopiesOfOtherBuilds_areSwept() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("private"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path old = Files.writeString(dir.resolve("kiln-worker-0123456789abcdef.jar"), "an old build's");
        Path recent = Files.writeString(dir.resolve("kiln-0123456789abcdef.jar"), "a build still in use");
        Path foreign = Files.writeString(dir.resolve("notes.txt"), "not kiln's name");
        java.nio.file.attribute.FileTime longAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(PrivateCopy.STALE).minusSeconds(60));
        for (Path p : java.util.List.of(old, foreign)) {
            Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class).setTimes(longAgo, longAgo, null);
        }
        write(WorkerClassPath.JAR, workerShare());
        Path copy = Path.of(chosen());
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent) && Files.exists(foreign) && Files.exists(copy));
    }

    @Test
    void noWorkerJar_theWholeJar() {
        assertEquals(full.toString(), chosen());
    }

    /** A Class-Path line would put any jar on a root worker's class path. */
    @Test
    void aClassPathInTheManifest_refused() throws IOException {
        assertRefused(w -> w.put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nClass-Path: /tmp/evil.jar\n"),
                "its manifest has Class-Path (/tmp/evil.jar)");
        assertRefused(w -> w.put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n\nName: kiln/worker/\nSealed: false\n"),
                "sections per entry");
    }

    /** A CRC is no proof: an entry with the same size and CRC but other bytes is refused. */
    @Test
    void anEntryWithTheSameCrcButOtherBytes_refused() throws IOException {
        // "plumless" and "buckeroo" are a known CRC-32 collision of the same length
        all.put("kiln/worker/Worker.class", "plumless");
        full = write("kiln.jar", all);
        assertRefused(w -> w.put("kiln/worker/Worker.class", "buckeroo"), "kiln/worker/Worker.class differs");
    }

    @Test
    void aWorkerJarOfAnotherUser_refused() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        try (OtherUser other = OtherUser.create()) {
            Files.setAttribute(lean, "unix:uid", other.uid());
            assertNotUsed("is owned by uid " + other.uid());
        }
    }

    @Test
    void aWorkerJarWritableByOthers_refused() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        Files.setPosixFilePermissions(lean, PosixFilePermissions.fromString("rw-rw-r--"));
        assertNotUsed("writable by its group or by others (mode 0664)");
        Files.setPosixFilePermissions(lean, PosixFilePermissions.fromString("rw-r--rw-"));
        assertNotUsed("writable by its group or by others (mode 0646)");
    }

    /** A directory of another user's: they can replace what is in it, however closed its mode. */
    @Test
    void jarsInADirectoryOfAnotherUser_notUsed() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        Path home = Files.createDirectory(tmp.resolve("home"));
        Path jar = Files.move(lean, home.resolve(WorkerClassPath.JAR));
        try (OtherUser other = OtherUser.create()) {
            Files.setAttribute(home, "unix:uid", other.uid());
            Optional<String> said = PathTrust.whyNotTrusted(jar);
            assertEquals(Optional.of(home + " is owned by uid " + other.uid() + ", who can replace what is in it"), said);
        }
    }

    /** In a directory others can write, the jars beside each other are anyone's: a root kiln refuses to start workers. */
    @Test
    void jarsInADirectoryOthersCanWrite_refused() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        WorkerClassPath.Choice c = WorkerClassPath.choose(full.toString());
        assertTrue(c.refusal() != null && c.refusal().contains("refusing to start root workers from " + full)
                && c.refusal().contains(tmp + " is writable by its group or by others (mode 0777)"), String.valueOf(c));
        assertThrows(java.io.UncheckedIOException.class, c::current);
    }

    /** A sticky directory (/tmp's kind) keeps others from replacing root's jars: they are used. */
    @Test
    void jarsOfRootInAStickyDirectory_used() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        Files.setAttribute(tmp, "unix:mode", 01777);
        assertEquals(tmp.resolve("private"), Path.of(chosen()).getParent());
    }

    private String chosen() {
        return WorkerClassPath.choose(full.toString()).current();
    }

    private void assertNotUsed(String why) {
        Optional<String> said = PathTrust.whyNotTrusted(lean);
        assertTrue(said.isPresent() && said.get().contains(why), said.toString());
        assertEquals(full.toString(), chosen());
    }

    @Test
    void aClassFromAnotherBuild_theWholeJar() throws IOException {
        assertRefused(w -> w.put("kiln/worker/Worker.class", "worker, as an older build had it"),
                "kiln/worker/Worker.class differs");
    }

    @Test
    void aClassKilnJarDoesNotHave_theWholeJar() throws IOException {
        assertRefused(w -> w.put("kiln/worker/Gone.class", "a class this build no longer has"),
                "kiln/worker/Gone.class is not in kiln.jar");
    }

    @Test
    void aMissingClassOfAWorkerPackage_theWholeJar() throws IOException {
        assertRefused(w -> w.remove("kiln/worker/Worker.class"), "it lacks kiln/worker/Worker.class");
    }

    /** Without its versioned classes a worker would quietly run the fallback file path. */
    @Test
    void aMissingVersionedClass_theWholeJar() throws IOException {
        assertRefused(w -> w.remove("META-INF/versions/22/kiln/workspace/NativeFileIo.class"),
                "it lacks META-INF/versions/22/kiln/workspace/NativeFileIo.class");
    }

    @Test
    void noWorkerInIt_theWholeJar() throws IOException {
        assertRefused(w -> w.keySet().removeIf(n -> n.startsWith("kiln/worker/")), "it holds no worker");
    }

    @Test
    void notAJar_theWholeJar() throws IOException {
        Files.writeString(lean, "not a zip");
        assertMismatch("cannot read it");
    }

    @Test
    void aDirectoryOrADanglingLink_theWholeJar() throws IOException {
        Files.createDirectory(lean);
        assertMismatch("not a regular file");
        Files.delete(lean);
        Files.createSymbolicLink(lean, tmp.resolve("nowhere.jar"));
        assertMismatch("not a regular file");
    }

    /** Run from classes, or with more than one jar, the workers get what the supervisor has. */
    @Test
    void notOneJar_unchanged() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        String two = full + java.io.File.pathSeparator + tmp.resolve("other.jar");
        assertEquals(two, WorkerClassPath.choose(two).current());
        assertEquals(tmp.toString(), WorkerClassPath.choose(tmp.toString()).current());
        assertEquals("", WorkerClassPath.choose("").current());
    }

    /** The worker's share changed by {@code change} is refused, saying {@code why}. */
    private void assertRefused(Consumer<Map<String, String>> change, String why) throws IOException {
        Map<String, String> w = workerShare();
        change.accept(w);
        write(WorkerClassPath.JAR, w);
        assertMismatch(why);
    }

    private void assertMismatch(String why) throws IOException {
        Optional<String> said = JarMatch.mismatch(full, lean);
        assertTrue(said.isPresent() && said.get().contains(why), said.toString());
        assertEquals(full.toString(), chosen());
        if (Files.isDirectory(tmp.resolve("private"))) {
            try (var s = Files.list(tmp.resolve("private"))) {
                assertEquals(java.util.List.of(), s.toList(), "a copy that failed its check is not kept");
            }
        }
    }
}
