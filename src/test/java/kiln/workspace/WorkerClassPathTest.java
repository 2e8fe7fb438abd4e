package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers get kiln-worker.jar only when it is the same build of their classes as kiln.jar. */
class WorkerClassPathTest {
    @TempDir
    Path tmp;
    Path full;
    Path lean;
    /** kiln.jar's entries: the worker's packages, a versioned class, and what only the supervisor loads. */
    final Map<String, String> all = new LinkedHashMap<>();

    @BeforeEach
    void jars() throws IOException {
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

    @Test
    void theSameBuildsWorkerShare_isTheWorkersClassPath() throws IOException {
        write(WorkerClassPath.JAR, workerShare());
        assertEquals(Optional.empty(), WorkerClassPath.mismatch(full, lean));
        assertEquals(lean.toString(), WorkerClassPath.choose(full.toString()));
    }

    @Test
    void noWorkerJar_theWholeJar() {
        assertEquals(full.toString(), WorkerClassPath.choose(full.toString()));
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
        assertEquals(two, WorkerClassPath.choose(two));
        assertEquals(tmp.toString(), WorkerClassPath.choose(tmp.toString()));
        assertEquals("", WorkerClassPath.choose(""));
    }

    /** The worker's share changed by {@code change} is refused, saying {@code why}. */
    private void assertRefused(Consumer<Map<String, String>> change, String why) throws IOException {
        Map<String, String> w = workerShare();
        change.accept(w);
        write(WorkerClassPath.JAR, w);
        assertMismatch(why);
    }

    private void assertMismatch(String why) {
        Optional<String> said = WorkerClassPath.mismatch(full, lean);
        assertTrue(said.isPresent() && said.get().contains(why), said.toString());
        assertEquals(full.toString(), WorkerClassPath.choose(full.toString()));
    }
}
