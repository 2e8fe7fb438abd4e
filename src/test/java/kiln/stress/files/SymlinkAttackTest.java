package kiln.stress.files;

import kiln.util.Ticker;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import kiln.workspace.FileIo;
import kiln.workspace.FsException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Someone who can write where kiln works plants links where kiln expects its own directories
 * and files. kiln (as root, in the real deployments) must never follow one: nothing outside its
 * directory is created, changed or deleted, and the tampering is counted. Each attack runs on
 * every file path.
 */
@Timeout(60)
final class SymlinkAttackTest {
    @TempDir(factory = kiln.testing.ShmTempDir.class)
    Path tmp;

    @org.junit.jupiter.api.extension.RegisterExtension
    final Storms storms = new Storms();


    private FileStorm storm(FileIo io, Path dir, long maxFiles) throws IOException {
        var options = new StormOptions(dir, 1024, 64, 2, maxFiles, 0, false, false);
        return storms.track(new FileStorm(options, io, 0, Ticker.SYSTEM, () -> Long.MAX_VALUE, 4096));
    }

    /** A directory outside kiln's with files named like kiln's: what an attacker points kiln at. */
    private Path victim(int files) throws IOException {
        Path v = Files.createDirectories(tmp.resolve("victim"));
        for (int i = 0; i < files; i++) {
            Files.writeString(v.resolve(i + ".kiln"), "precious " + i);
        }
        Files.writeString(v.resolve("passwd"), "root:x:0:0");
        return v;
    }

    /** Every file below {@code dir} with its content: compared before and after an attack. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void workerDirIsALink_isRefused_andNothingIsWrittenThere(FileIo io) throws IOException {
        Path victim = victim(3);
        Map<String, String> before = snapshot(victim);
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.createSymbolicLink(data.resolve("w0"), victim);
        FsException e = assertThrows(FsException.class, () -> storm(io, data.resolve("w0"), 1000));
        assertTrue(e.errno().isTampering(), "refused as tampering: " + e.errno() + " " + e.getMessage());
        assertEquals(before, snapshot(victim), "the link's target is untouched");
        try (Stream<Path> s = Files.list(victim)) {
            assertEquals(4, s.count(), "no shard directory was made in the target");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void shardIsALink_isRefusedCountedAndSkipped(FileIo io) throws IOException {
        Path victim = victim(1000);
        Map<String, String> before = snapshot(victim);
        Path w0 = Files.createDirectories(tmp.resolve("data/w0"));
        Files.createSymbolicLink(w0.resolve("d000000"), victim);
        FileStorm s = storm(io, w0, 100_000);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.created() >= 3_000);
        assertEquals(0, s.stopAndClean(Duration.ofSeconds(20)));
        assertEquals(before, snapshot(victim), "nothing overwritten, created or deleted through the link");
        assertEquals(1, s.errors(kiln.link.FileOp.TAMPER), "the planted link is counted once");
        assertEquals(s.created(), s.deleted(), "its own files, made in the shards after it, are all gone");
        try (Stream<Path> list = Files.list(w0)) {
            assertEquals(List.of(w0.resolve("d000000")), list.toList(), "only the planted link is left, not followed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void shardSwappedForALinkMidRun_deletesNothingOutside_andIsReported(FileIo io) throws Exception {
        Path victim = victim(1000);
        Map<String, String> before = snapshot(victim);
        Path w0 = Files.createDirectories(tmp.resolve("data")).resolve("w0");
        FileStorm s = storm(io, w0, 20_000); // churn: the oldest files, in d000000, are deleted while it runs
        s.start();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1)).until(() -> s.created() >= 1_200);
        // the attack: move kiln's shard away and put a link to the victim in its place
        Files.move(w0.resolve("d000000"), w0.resolve("moved"));
        Files.createSymbolicLink(w0.resolve("d000000"), victim);
        await().atMost(Duration.ofSeconds(40)).until(() -> s.created() >= 25_000);
        assertTrue(s.deleted() >= 1_000, "churn deleted d000000's files during the run: " + s.deleted());
        assertEquals(0, s.stopAndClean(Duration.ofSeconds(20)));
        assertEquals(before, snapshot(victim), "not one file of the link's target was deleted or changed");
        assertTrue(s.errors(kiln.link.FileOp.TAMPER) >= 1, "the swap is reported: " + s.errors(kiln.link.FileOp.TAMPER));
        assertEquals(s.created(), s.deleted(), "kiln's files were deleted where they really were, through the descriptor");
        try (Stream<Path> list = Files.list(w0.resolve("moved"))) {
            assertEquals(0, list.count(), "the moved shard holds none of kiln's files");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void fileNameTakenByALink_isNeverOpened(FileIo io) throws IOException {
        Path victim = victim(0);
        Path shard = Files.createDirectories(tmp.resolve("data/w0/d000000"));
        Files.createSymbolicLink(shard.resolve("7.kiln"), victim.resolve("passwd"));
        FileStorm s = storm(io, tmp.resolve("data/w0"), 100_000);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.created() >= 500);
        assertEquals(0, s.stopAndClean(Duration.ofSeconds(20)));
        assertEquals("root:x:0:0", Files.readString(victim.resolve("passwd")), "O_EXCL | O_NOFOLLOW: never written through");
        assertEquals(1, s.errors(kiln.link.FileOp.CREATE), "the taken name is a failed create");
        assertTrue(Files.isSymbolicLink(shard.resolve("7.kiln")), "and the link itself is not kiln's to delete");
    }
}
