package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of a local user who can write in kiln's directory, against a real {@code kiln run}
 * (as root where the suite runs as root): links planted at the lock, the probe, a worker
 * directory and a shard, and a shard swapped for a link mid-run. Every foreign file stays
 * byte-identical, nothing is created outside {@code --dir}, and the run says it was tampered with.
 */
@Timeout(120)
final class SymlinkIT {
    @TempDir
    Path tmp;
    private Path data;
    private Path victim;
    private Map<String, String> before;

    @BeforeEach
    void plantVictim() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        victim = Files.createDirectories(tmp.resolve("victim"));
        for (int i = 0; i < 1000; i++) {
            Files.writeString(victim.resolve(i + ".kiln"), "precious " + i);
        }
        Files.writeString(victim.resolve("shadow"), "root:$6$secret");
        before = snapshot(victim);
    }

    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                m.put(dir.relativize(p).toString(), Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readString(p) : "dir");
            }
        }
        return m;
    }

    private KilnProcess run(String duration) throws Exception {
        return new KilnProcess("run", "--duration", duration, "--workers", "1", "--no-cpu", "--dir", data.toString(),
                "--metrics-port", "0", "--min-free", "64m", "--max-files", "1500");
    }

    private void assertVictimUntouched() throws Exception {
        assertEquals(before, snapshot(victim), "every foreign file byte-identical, nothing added or removed");
    }

    @Test
    void linkAtTheWorkerDirectory_isRefused_theRunGoesOnElsewhere_andIsNotClean() throws Exception {
        Files.createSymbolicLink(data.resolve("w0"), victim);
        try (KilnProcess k = run("3s")) {
            int code = k.waitFor(Duration.ofSeconds(60));
            assertEquals(5, code, k.output());
            assertTrue(k.output().contains("verdict: INCONCLUSIVE"), k.output());
            assertTrue(k.output().contains("REFUSED"), k.output());
        }
        assertVictimUntouched();
        assertTrue(Files.isSymbolicLink(data.resolve("w0")), "the planted link is not kiln's to remove");
    }

    @Test
    void linkAtAShard_isRefusedAndCounted() throws Exception {
        Files.createDirectories(data.resolve("w0"));
        Files.createSymbolicLink(data.resolve("w0/d000000"), victim);
        try (KilnProcess k = run("3s")) {
            assertEquals(5, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("INCONCLUSIVE"), k.output());
        }
        assertVictimUntouched();
    }

    @Test
    void lockThatIsADanglingLink_isRefused_nothingCreatedAtItsTarget() throws Exception {
        Path target = tmp.resolve("created-by-kiln");
        Files.createSymbolicLink(data.resolve(".kiln.lock"), target);
        try (KilnProcess k = run("2s")) {
            assertEquals(3, k.waitFor(Duration.ofSeconds(30)), k.output());
            assertTrue(k.err.get(0).startsWith("kiln: refusing " + data.resolve(".kiln.lock") + ": it is a link"), k.output());
        }
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void lockThatIsALinkToAFile_isRefused_theFileUntouched() throws Exception {
        Files.createSymbolicLink(data.resolve(".kiln.lock"), victim.resolve("shadow"));
        try (KilnProcess k = run("2s")) {
            assertEquals(3, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
        assertVictimUntouched();
    }

    @Test
    void linkAtTheOldProbeName_isNeverWrittenThrough() throws Exception {
        // the probe name used to be .kiln-probe-<pid>: plant it for every pid kiln may get next
        long next = ProcessHandle.current().pid();
        for (long pid = next; pid < next + 200; pid++) {
            Files.createSymbolicLink(data.resolve(".kiln-probe-" + pid), victim.resolve("shadow"));
        }
        try (KilnProcess k = run("2s")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
        assertVictimUntouched();
    }

    @Test
    void shardSwappedForALinkMidRun_deletesNothingOutside_andIsReported() throws Exception {
        try (KilnProcess k = run("8s")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.isDirectory(data.resolve("w0/d000001")) || !k.process.isAlive());
            Files.move(data.resolve("w0/d000000"), data.resolve("w0/moved"));
            Files.createSymbolicLink(data.resolve("w0/d000000"), victim);
            int code = k.waitFor(Duration.ofSeconds(60));
            assertEquals(5, code, k.output());
            assertTrue(k.output().contains("INCONCLUSIVE"), k.output());
        }
        assertVictimUntouched();
        try (Stream<Path> s = Files.list(data.resolve("w0/moved"))) {
            assertEquals(0, s.count(), "kiln's files were deleted where they really were");
        }
    }

    @Test
    void theFastestFilePath_isUsedAndShown() throws Exception {
        try (KilnProcess k = run("3s")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            String io = Boolean.getBoolean("kiln.expect-native-io") ? "native" : "nio";
            assertTrue(k.output().contains("via " + io + " I/O"), k.output());
            await().atMost(Duration.ofSeconds(10)).until(() -> k.scrape().getOrDefault("kiln_files_io_info{path=\"" + io + "\"}", 0.0) == 1.0);
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
            assertTrue(k.err.stream().noneMatch(l -> l.contains("WARNING: A restricted method")), "native access is granted: " + k.output());
        }
    }
}
