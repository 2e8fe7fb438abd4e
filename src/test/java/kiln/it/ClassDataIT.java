package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A directory that stays between runs keeps the workers' class-data archive: written once, then mapped. */
@Timeout(120)
final class ClassDataIT {
    @TempDir
    Path tmp;

    private KilnProcess run(Path data) throws Exception {
        return new KilnProcess("run", "--duration", "3s", "--workers", "2", "--no-cpu", "--dir", data.toString(),
                "--metrics-port", "0", "--min-free", "64m");
    }

    /**
     * On JDK 25 and newer (the JDK the tests run on gives the workers' JDK) an AOT cache, recorded
     * by a worker and assembled by the supervisor after the run; before, a dynamic CDS archive.
     */
    @Test
    void firstRunWritesTheArchive_theNextMapsIt() throws Exception {
        boolean aot = Runtime.version().feature() >= 25;
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (KilnProcess k = run(data)) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("worker class-data archive written"), k.output());
            assertFalse(k.output().contains("malformed frame"), "what the JVM says while writing goes to the log: " + k.output());
            assertFalse(k.output().contains("worker AOT cache"), "the assembly worked: " + k.output());
            assertFalse(k.output().contains("AOTConfiguration"), "the JVM's own notice stays out of the log: " + k.output());
        }
        List<Path> archives;
        try (Stream<Path> s = Files.list(data.resolve(".kiln-cds"))) {
            archives = s.toList();
        }
        assertEquals(1, archives.size(), archives.toString());
        assertTrue(archives.get(0).getFileName().toString().matches("worker-\\d+-[0-9a-f]+\\." + (aot ? "aot" : "jsa")),
                archives.toString());
        try (KilnProcess k = run(data)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            List<ProcessHandle> workers = k.process.descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("kiln.worker.WorkerMain")).toList();
            assertEquals(2, workers.size(), workers.toString());
            String option = aot ? "-XX:AOTCache=/proc/" : "-XX:SharedArchiveFile=/proc/";
            String archive = archives.get(0).getFileName().toString();
            for (ProcessHandle w : workers) {
                String c = w.info().commandLine().orElse("");
                assertTrue(c.contains(option + k.process.pid() + "/fd/"), c);
                // the JVM took it: a cache that does not fit is skipped with a warning the log level hides
                assertTrue(Files.readString(Path.of("/proc", Long.toString(w.pid()), "maps")).contains(archive),
                        "worker " + w.pid() + " maps " + archive);
            }
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.err.stream().noneMatch(l -> l.contains("[warning]")), "the archive fits: " + k.output());
        }
        try (Stream<Path> s = Files.list(data)) {
            assertEquals(List.of(".kiln-cds"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only the cache stays: every stress file is gone, and the lock file");
        }
    }
}
