package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void firstRunWritesTheArchive_theNextMapsIt() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (KilnProcess k = run(data)) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("worker class-data archive written"), k.output());
        }
        List<Path> archives;
        try (Stream<Path> s = Files.list(data.resolve(".kiln-cds"))) {
            archives = s.toList();
        }
        assertEquals(1, archives.size(), archives.toString());
        assertTrue(archives.get(0).getFileName().toString().matches("worker-\\d+-[0-9a-f]+\\.jsa"), archives.toString());
        try (KilnProcess k = run(data)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            List<String> commands = k.process.descendants().map(p -> p.info().commandLine().orElse(""))
                    .filter(c -> c.contains("kiln.worker.WorkerMain")).toList();
            assertEquals(2, commands.size(), commands.toString());
            commands.forEach(c -> assertTrue(c.contains("-XX:SharedArchiveFile=/proc/" + k.process.pid() + "/fd/"), c));
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.err.stream().noneMatch(l -> l.contains("[warning]")), "the archive fits: " + k.output());
        }
        try (Stream<Path> s = Files.list(data)) {
            assertEquals(List.of(".kiln-cds"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only the cache stays: every stress file is gone, and the lock file");
        }
    }
}
