package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import kiln.testing.OtherUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root workers load only code no one else could have changed, and only the bytes checked: a
 * {@code kiln-worker.jar} another local user plants (and later swaps) beside a {@code kiln.jar}
 * copied into a directory they can write is not used, and a trusted worker jar replaced while
 * kiln runs (an upgrade, say) never reaches a restarted worker. The proof is a marker file only
 * the swapped-in jar's "worker" writes, after a real worker was killed and restarted.
 */
@Timeout(180)
final class WorkerJarTrustIT {
    @TempDir
    Path tmp;

    private static Path workerJar() {
        return KilnProcess.jar().toAbsolutePath().resolveSibling("kiln-worker.jar");
    }

    /** A jar whose {@code kiln.worker.WorkerMain} only writes {@code marker}: what an attacker would run as root. */
    private Path evilJar(Path marker) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("evil-src/kiln/worker")).resolve("WorkerMain.java");
        Files.writeString(src, "package kiln.worker;\npublic final class WorkerMain {\n"
                + "    public static void main(String[] args) throws Exception {\n"
                + "        java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + marker + "\"), \"ran as \" + System.getProperty(\"user.name\"));\n"
                + "    }\n}\n");
        Path classes = Files.createDirectories(tmp.resolve("evil-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "--release", "17", "-d", classes.toString(), src.toString()));
        Path jar = tmp.resolve("evil.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("kiln/worker/WorkerMain.class"));
            j.write(Files.readAllBytes(classes.resolve("kiln/worker/WorkerMain.class")));
            j.closeEntry();
        }
        return jar;
    }

    /**
     * Another local user plants a genuine-looking worker jar beside kiln.jar in a directory they can
     * write, then swaps in their own once kiln has started; a worker is killed and restarted.
     * Neither jar is used (kiln says why), nothing of theirs runs.
     */
    @Test
    void aWorkerJarAnotherUserPlantsAndSwaps_isNotUsed() throws Exception {
        Path marker = tmp.resolve("marker");
        Path evil = evilJar(marker);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx")); // "copy it anywhere"
        Path jar = Files.copy(KilnProcess.jar(), shared.resolve("kiln.jar"));
        Files.copy(workerJar(), shared.resolve(".genuine"));
        Files.copy(evil, shared.resolve(".evil"));
        Files.setPosixFilePermissions(shared.resolve(".evil"), PosixFilePermissions.fromString("rw-r--r--"));
        Path data = Files.createDirectory(tmp.resolve("data"));
        try (OtherUser other = OtherUser.create()) {
            Path planted = shared.resolve("kiln-worker.jar");
            assertEquals(0, other.run(30, "cp", shared.resolve(".genuine").toString(), planted.toString()).exit());
            try (KilnProcess k = new KilnProcess(env(jar), "run", "--duration", "25s", "--workers", "1", "--dir", data.toString(),
                    "--metrics-port", "0", "--min-free", "64m")) {
                long first = awaitWorker(k, -1, marker);
                assertEquals(0, other.run(30, "cp", shared.resolve(".evil").toString(), planted.toString()).exit());
                ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
                long second = awaitWorker(k, first, marker);
                assertRunsOn(second, marker, k);
                String said = String.join("\n", k.err);
                assertTrue(said.contains("not using " + planted + ": kiln.jar could be changed by others: " + shared
                        + " is writable by its group or by others (mode 0777)"), k.output());
                assertTrue(said.contains(jar + " could be replaced by other users: " + shared + " is writable"), k.output());
                assertFalse(classPath(second).startsWith(shared.toString()), classPath(second));
                assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(Path.of(classPath(second))),
                        "the restarted worker runs a private copy of the supervisor's own jar");
                k.signal(false);
                k.waitFor(Duration.ofSeconds(60));
                assertFalse(Files.exists(marker), "the other user's jar ran as root\n" + k.output());
            }
        }
    }

    /**
     * A trusted worker jar (root's, in root's directory) replaced after kiln started: the worker
     * restarted after a kill still runs the bytes that were checked, not the new file.
     */
    @Test
    void aTrustedWorkerJarSwappedAfterTheCheck_neverReachesARestartedWorker() throws Exception {
        Path marker = tmp.resolve("marker");
        Path evil = evilJar(marker);
        Path install = Files.createDirectory(tmp.resolve("opt"));
        Path jar = Files.copy(KilnProcess.jar(), install.resolve("kiln.jar"));
        Path lean = Files.copy(workerJar(), install.resolve("kiln-worker.jar"));
        byte[] checked = Files.readAllBytes(lean);
        Path data = Files.createDirectory(tmp.resolve("data"));
        try (KilnProcess k = new KilnProcess(env(jar), "run", "--duration", "25s", "--workers", "1", "--dir", data.toString(),
                "--metrics-port", "0", "--min-free", "64m")) {
            long first = awaitWorker(k, -1, marker);
            Path copy = Path.of(classPath(first));
            Files.copy(evil, lean, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // in place, as root may
            ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
            long second = awaitWorker(k, first, marker);
            assertRunsOn(second, marker, k);
            assertEquals(tmp.resolve("private"), copy.getParent(), k.output());
            assertEquals(copy.toString(), classPath(second));
            k.signal(false);
            k.waitFor(Duration.ofSeconds(60));
            assertFalse(Files.exists(marker), "the swapped jar ran\n" + k.output());
            assertArrayEquals(checked, Files.readAllBytes(copy));
        }
    }

    /** The jar under test at {@code jar}, and a private directory of the test's own (not /tmp/kiln-0). */
    private Map<String, String> env(Path jar) {
        return Map.of("KILN_JAR", jar.toString(), "KILN_JAVA_OPTIONS", "-Dkiln.private-dir=" + tmp.resolve("private"));
    }

    /** A worker JVM of {@code k} other than {@code not}, once it runs. */
    private static long awaitWorker(KilnProcess k, long not, Path marker) {
        long[] found = {-1};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (Files.exists(marker)) {
                throw new AssertionError("the swapped-in jar ran: " + Files.readString(marker) + "\n" + k.output());
            }
            if (!k.process.isAlive()) {
                throw new AssertionError("kiln ended\n" + k.output());
            }
            for (long pid : k.workerPids()) {
                if (pid != not) {
                    found[0] = pid;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The restarted worker keeps running (a real one) and no marker appears: 2 s of it. */
    private static void assertRunsOn(long worker, Path marker, KilnProcess k) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .failFast("the swapped-in jar ran\n" + k.output(), () -> Files.exists(marker))
                .until(() -> ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false));
    }

    private static String classPath(long pid) {
        List<String> args = List.of(ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).orElse(new String[0]));
        int cp = args.indexOf("-cp");
        assertTrue(cp >= 0, args.toString());
        return args.get(cp + 1);
    }
}
