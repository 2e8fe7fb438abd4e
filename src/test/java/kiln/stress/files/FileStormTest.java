package kiln.stress.files;

import kiln.util.Ticker;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.List;
import kiln.workspace.FileIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
final class FileStormTest {
    @TempDir(factory = kiln.testing.ShmTempDir.class)
    Path tmp;

    @org.junit.jupiter.api.extension.RegisterExtension
    final Storms storms = new Storms();


    /** The free-space source of the storm made last. */
    private Storms.Asked asked;

    private FileStorm storm(FileIo io, Path dir, int inFlight, int threads, long maxFiles, AtomicLong free, long minFree)
            throws IOException {
        return storm(io, dir, inFlight, threads, maxFiles, free, minFree, false);
    }

    private FileStorm storm(FileIo io, Path dir, int inFlight, int threads, long maxFiles, AtomicLong free, long minFree,
                            boolean verify) throws IOException {
        var options = new StormOptions(dir, 1024, inFlight, threads, maxFiles, minFree, false, verify);
        asked = new Storms.Asked(free::get);
        return storms.track(new FileStorm(options, io, 0, Ticker.SYSTEM, asked, 4096));
    }

    /** Regular files below dir, tolerating files that vanish while counting. */
    static long countFiles(Path dir) {
        long n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                n += Files.isDirectory(p) ? countFiles(p) : 1;
            }
        } catch (IOException e) {
            // a shard removed while we looked: it held nothing of interest
        }
        return n;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void create_neverHasMoreThanThePermitsInFlight(FileIo io) throws IOException {
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        Path dir = tmp.resolve("w0");
        FileStorm s = storm(io, dir, 1000, 2, 100_000, free, 0);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.created() >= 20_000);
        long left = s.stopAndClean(Duration.ofSeconds(20));
        assertEquals(0, left);
        assertTrue(s.maxInFlightSeen() <= 1000, "in flight at most 1000, saw " + s.maxInFlightSeen());
        assertTrue(s.maxInFlightSeen() > 900, "the producer really filled the window, saw " + s.maxInFlightSeen());
        assertEquals(0, s.errors(kiln.link.FileOp.CREATE) + s.errors(kiln.link.FileOp.WRITE));
        assertEquals(s.created(), s.deleted(), "cleanup deleted every file created");
        assertEquals(s.created() * 1024, s.bytesWritten());
        assertFalse(Files.exists(dir), "the worker directory it created is gone");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void create_smallWindowIsHeldExactly(FileIo io) throws IOException {
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        FileStorm s = storm(io, tmp.resolve("w0"), 3, 8, 100_000, free, 0);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.created() >= 2_000);
        s.stopAndClean(Duration.ofSeconds(20));
        assertEquals(3, s.maxInFlightSeen(), "8 writer threads, 3 permits: the window is used whole and never exceeded");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void maxFiles_boundsTheFootprintByChurn(FileIo io) throws IOException {
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        Path dir = tmp.resolve("w0");
        FileStorm s = storm(io, dir, 8, 2, 50, free, 0);
        s.start();
        long maxSeen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (s.created() < 5_000 && System.nanoTime() < deadline) {
            maxSeen = Math.max(maxSeen, s.filesKept() + s.inFlight());
        }
        s.stop(Duration.ofSeconds(10));
        assertTrue(s.created() >= 5_000, "made progress: " + s.created());
        assertTrue(maxSeen <= 50 + 8, "at most max-files + in-flight at any time, saw " + maxSeen);
        assertEquals(50, countFiles(dir), "once stopped, exactly max-files are on disk");
        s.stopAndClean(Duration.ofSeconds(20));
        assertTrue(s.deleted() >= s.created() - 50 - 8, "the oldest were deleted as new ones came");
        assertEquals(s.created(), s.deleted());
        assertFalse(Files.exists(dir));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void cleanup_removesExactlyItsOwnFiles(FileIo io) throws IOException {
        Path dir = tmp.resolve("w0");
        Path shard0 = dir.resolve("d000000");
        Files.createDirectories(shard0);
        Path notes = Files.writeString(dir.resolve("notes.txt"), "operator's notes");
        Path keep = Files.writeString(shard0.resolve("keep.me"), "not kiln's");
        Path clash = Files.writeString(shard0.resolve("5.kiln"), "someone else's file with kiln's name");
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        FileStorm s = storm(io, dir, 16, 2, 100_000, free, 0);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.created() >= 3_000);
        assertEquals(0, s.stopAndClean(Duration.ofSeconds(20)));
        assertEquals("operator's notes", Files.readString(notes));
        assertEquals("not kiln's", Files.readString(keep));
        assertEquals("someone else's file with kiln's name", Files.readString(clash), "CREATE_NEW never overwrites");
        assertEquals(1, s.errors(kiln.link.FileOp.CREATE), "the clash is counted as a failed create");
        assertEquals(3, countFiles(dir), "only the three foreign files are left");
        assertEquals(s.created(), s.deleted());
        try (var list = Files.list(dir)) {
            assertEquals(2, list.count(), "foreign shard directory and notes stay; kiln's shards are gone");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void create_pausesBelowTheFreeSpaceFloorAndResumes(FileIo io) throws IOException, InterruptedException {
        AtomicLong free = new AtomicLong(100L << 20);
        FileStorm s = storm(io, tmp.resolve("w0"), 100, 2, 100_000, free, 1L << 30);
        s.start();
        await().atMost(Duration.ofSeconds(5)).until(s::paused);
        asked.awaitMore(3);
        assertEquals(0, s.created(), "the storm looked at the free space again and again, and created nothing below the floor");
        free.set(2L << 30);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.created() > 100 && !s.paused());
        free.set(10L << 20);
        await().atMost(Duration.ofSeconds(5)).until(s::paused);
        long atPause = s.created();
        asked.awaitMore(3);
        assertTrue(s.created() - atPause <= 100, "after pausing, at most the in-flight window completes");
        s.stopAndClean(Duration.ofSeconds(20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void verify_readsBackASample_andCatchesACorruptedFile(FileIo io) throws IOException {
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        FileStorm s = storm(io, tmp.resolve("w0"), 32, 2, 100_000, free, 0, true);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.created() >= 3_200);
        assertEquals(0, s.verifyErrors(), "healthy disk: every read-back matches");
        assertTrue(s.verified() >= s.created() / FileStorm.VERIFY_EVERY - 64, "one in 16 read back: " + s.verified());
        s.injectFault();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.verifyErrors() == 1);
        s.stopAndClean(Duration.ofSeconds(20));
        assertEquals(1, s.verifyErrors(), "exactly the corrupted file");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void injectedFault_isCaughtEvenWithVerifyOff(FileIo io) throws IOException {
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        FileStorm s = storm(io, tmp.resolve("w0"), 8, 1, 100_000, free, 0, false);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.created() >= 100);
        assertEquals(0, s.verified());
        s.injectFault();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.verifyErrors() == 1);
        s.stopAndClean(Duration.ofSeconds(20));
        assertEquals(1, s.verified(), "only the corrupted file was read back");
    }

    @Test
    void payload_carriesAChecksumThatCatchesOneFlippedBit() {
        Payload p = new Payload(7, 1024);
        ByteBuffer b = p.forIndex(123_456);
        assertEquals(1024, b.remaining());
        ByteBuffer copy = ByteBuffer.allocate(1024).put(b.duplicate()).flip();
        assertTrue(Payload.verify(copy, 123_456));
        assertFalse(Payload.verify(copy, 123_457), "wrong index");
        copy.put(500, (byte) (copy.get(500) ^ 0x10));
        assertFalse(Payload.verify(copy, 123_456), "flipped bit");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void leftovers_sweepOnlyKilnFiles(FileIo io) throws IOException {
        Path dir = tmp.resolve("w1");
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        FileStorm s = storm(io, dir, 8, 1, 100_000, free, 0);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.created() >= 1_500);
        // pretend the worker died: its files stay; then add foreign look-alikes
        Path shard = dir.resolve("d000000");
        Path fake = Files.writeString(shard.resolve("999999.kiln"), "named like kiln, but not kiln's content");
        Path other = Files.writeString(dir.resolve("README"), "foreign");
        long kept = s.filesKept();
        s.stopAndClean(Duration.ZERO.plusMillis(1)); // stops; leaves (almost) everything for the sweep
        long removed = kiln.workspace.Sweep.workerDir(dir).removed();
        assertTrue(kept > 0, "the storm kept files to leave behind");
        assertEquals(s.created() - s.deleted(), removed, "the sweep removes exactly what the storm created and did not delete");
        assertEquals("named like kiln, but not kiln's content", Files.readString(fake));
        assertEquals("foreign", Files.readString(other));
        assertEquals(2, countFiles(dir));
    }

    /**
     * The native path's hot loop allocates nothing per file: the writer threads' allocation over
     * a hundred thousand creates and deletes (after warm-up) stays under a few bytes a file,
     * where one boxed key per delete alone is 16 (what the shard lookup did before).
     */
    @Test
    void nativePath_allocatesNothingPerFile() throws IOException {
        var io = FileIo.nativeIo();
        org.junit.jupiter.api.Assumptions.assumeTrue(io.isPresent(), "the native file path needs JDK 22+");
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        FileStorm s = storm(io.get(), tmp.resolve("w0"), 1000, 2, 2_000, free, 0);
        s.start();
        // warmed up (compiled), and past shard 127: below it a boxed shard number comes from Long's cache
        await().atMost(Duration.ofSeconds(30)).until(() -> s.deleted() >= 140_000);
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("kiln-w0-writer")).mapToLong(Thread::getId).toArray();
        assertEquals(2, ids.length, "both writer threads found");
        long bytes0 = java.util.Arrays.stream(threads.getThreadAllocatedBytes(ids)).sum();
        long files0 = s.created() + s.deleted();
        await().atMost(Duration.ofSeconds(30)).until(() -> s.deleted() >= 190_000);
        long bytes = java.util.Arrays.stream(threads.getThreadAllocatedBytes(ids)).sum() - bytes0;
        long files = s.created() + s.deleted() - files0;
        s.stopAndClean(Duration.ofSeconds(20));
        assertTrue(files >= 50_000, "measured over enough files: " + files);
        assertTrue(bytes < files * 4, bytes + " bytes allocated by the writers for " + files + " creates and deletes");
    }
}
