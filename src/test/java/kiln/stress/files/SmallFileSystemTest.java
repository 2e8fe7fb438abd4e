package kiln.stress.files;

import kiln.util.Ticker;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import java.util.List;
import kiln.workspace.FileIo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file storm on a real, small file system: a 16 MiB tmpfs mounted for the test (needs root;
 * skipped otherwise, saying so).
 */
@Timeout(60)
final class SmallFileSystemTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    @org.junit.jupiter.api.extension.RegisterExtension
    final Storms storms = new Storms();
    private Path mount;
    private FileStore store;

    static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @BeforeEach
    void mountTmpfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small tmpfs needs root: skipped");
        mount = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "kiln-test", mount.toString()) == 0,
                "cannot mount a tmpfs here: skipped");
        store = Files.getFileStore(mount);
    }

    @AfterEach
    void unmount() throws Exception {
        storms.stopAll(); // before the file system goes, whichever after-each runs first
        if (mount != null) {
            sh("umount", "-l", mount.toString());
        }
    }


    private FileStorm storm(FileIo io, long minFree) throws IOException {
        return big(io, "w0", 1024, minFree, 1);
    }

    private long free() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits, at most {@code seconds}, until {@code done}, and returns the lowest free space seen meanwhile. */
    private long lowestUntil(java.util.function.BooleanSupplier done, int seconds, String what) throws IOException {
        return lowestUntil(done, seconds, () -> what);
    }

    private long lowestUntil(java.util.function.BooleanSupplier done, int seconds, java.util.function.Supplier<String> what)
            throws IOException {
        long lowest = Long.MAX_VALUE;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            lowest = Math.min(lowest, store.getUsableSpace());
            assertTrue(System.nanoTime() < deadline, () -> what.get() + " within " + seconds + " s (free " + free() / 1024 + " KiB)");
        }
        return lowest;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void floor_holdsWithinTheInFlightWindow_andTheStormGoesOnThere(FileIo io) throws Exception {
        long floor = 8 * MIB;
        FileStorm s = storm(io, floor); // max-files a million: only the floor makes it delete
        s.start();
        long lowest = lowestUntil(() -> s.deleted() > 0, 10, "reaches the floor and deletes its oldest files");
        long created = s.created();
        long deleted = s.deleted();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < until) {
            lowest = Math.min(lowest, store.getUsableSpace());
        }
        long window = 1000 * store.getBlockSize();
        assertTrue(lowest >= floor - window, "free space " + lowest / 1024 + " KiB never below the floor "
                + floor / 1024 + " KiB by more than the in-flight window " + window / 1024 + " KiB");
        assertTrue(s.created() - created > 500 && s.deleted() - deleted > 500,
                "at the floor the storm goes on, making and deleting files: " + (s.created() - created) + " made, "
                        + (s.deleted() - deleted) + " deleted in a second");
        assertTrue(!s.paused(), "a storm churning at the floor is not paused");
        assertTrue(s.floorDeleted() > 500 && s.floorDeleted() <= s.deleted() + s.inFlight(),
                "the deletes made at the floor are counted as such: " + s.floorDeleted() + " of " + s.deleted());
        assertEquals(0, s.errors(kiln.link.FileOp.CREATE) + s.errors(kiln.link.FileOp.WRITE) + s.errors(kiln.link.FileOp.DELETE),
                "the floor kept ENOSPC away");
        s.stopAndClean(Duration.ofSeconds(20));
        assertEquals(s.floorDeleted(), s.stats(0).floorDeleted(), "and reported to the supervisor");
        assertEquals(s.created(), s.deleted());
        assertTrue(store.getUsableSpace() > 15 * MIB, "all given back");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void someoneElseFillingTheFileSystem_getsTheStormsRoom_andCreationPausesWhenNoneIsLeft(FileIo io) throws Exception {
        long floor = 8 * MIB;
        FileStorm s = storm(io, floor);
        s.start();
        // at the floor, churning there; another writer then takes room the storm's files hold
        long batch = 64 * store.getBlockSize();
        lowestUntil(() -> s.deleted() > 0 && free() >= floor - batch, 10, "reaches the floor");
        long keptAtFloor = s.filesKept();
        byte[] first = new byte[(int) (3 * MIB)];
        java.util.Arrays.fill(first, (byte) 'a');
        Path a = Files.write(mount.resolve("theirs-a"), first);
        lowestUntil(() -> free() >= floor - batch && s.filesKept() < keptAtFloor - 500, 10,
                () -> "gives its own files' room back to hold the floor: kept " + s.filesKept() + " of " + keptAtFloor + " at the floor");
        assertTrue(s.created() > 0 && !s.paused(), "and goes on at the floor with fewer files");
        // more than the storm holds: nothing of its own is left to delete, so it pauses
        byte[] second = new byte[(int) (6 * MIB)];
        java.util.Arrays.fill(second, (byte) 'b');
        Path b = Files.write(mount.resolve("theirs-b"), second);
        lowestUntil(() -> s.paused() && s.filesKept() == 0 && s.inFlight() == 0, 10, () -> "deletes all it kept and pauses: kept "
                + s.filesKept() + ", paused " + s.paused() + ", made " + s.created() + ", deleted " + s.deleted());
        long created = s.created();
        asked.awaitMore(3);
        assertEquals(created, s.created(), "paused: nothing made below the floor");
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(a)) && java.util.Arrays.equals(second, Files.readAllBytes(b)),
                "the other files are untouched");
        Files.delete(b); // room again: the storm resumes
        lowestUntil(() -> !s.paused() && s.created() > created + 100, 10, "resumes once there is room");
        assertEquals(0, s.errors(kiln.link.FileOp.CREATE) + s.errors(kiln.link.FileOp.WRITE) + s.errors(kiln.link.FileOp.DELETE),
                () -> "create " + s.errors(kiln.link.FileOp.CREATE) + ", write " + s.errors(kiln.link.FileOp.WRITE) + ", delete "
                        + s.errors(kiln.link.FileOp.DELETE));
        s.stopAndClean(Duration.ofSeconds(20));
        assertEquals(s.created(), s.deleted(), "what it made is gone");
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(a)));
        Files.delete(a);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void fullDisk_isCountedNotFatal_andCreationResumesWhenSpaceReturns(FileIo io) throws Exception {
        Storms.Clock clock = new Storms.Clock();
        FileStorm s = big(io, "w0", 1024, 0, 1, clock);
        s.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> s.errors(kiln.link.FileOp.CREATE) + s.errors(kiln.link.FileOp.WRITE) > 100);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.inFlight() == 0);
        long created = s.created();
        assertTrue(created > 1000, "filled the disk first: " + created);
        assertTrue(s.paused(), "backs off from a full disk instead of spinning");
        assertEquals(0, s.floorDeleted(), "no floor (0): a full disk makes no room by deleting");
        long errorsNow = s.errors(kiln.link.FileOp.CREATE) + s.errors(kiln.link.FileOp.WRITE);
        clock.awaitParks(20);
        assertEquals(errorsNow, s.errors(kiln.link.FileOp.CREATE) + s.errors(kiln.link.FileOp.WRITE),
                "while the back-off lasts (the clock stands still), the storm looks but tries nothing");
        clock.advance(SpaceGuard.FULL_BACKOFF_NANOS);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.errors(kiln.link.FileOp.CREATE) + s.errors(kiln.link.FileOp.WRITE) > errorsNow);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.inFlight() == 0);
        clock.awaitParks(20);
        long tried = s.errors(kiln.link.FileOp.CREATE) + s.errors(kiln.link.FileOp.WRITE) - errorsNow;
        assertTrue(tried <= 1000, "one window of failures per back-off, then it waits again: " + tried);
        assertTrue(s.paused(), "and backs off again");
        s.stopAndClean(Duration.ofSeconds(20));
        assertEquals(s.created(), s.deleted(), "every file it made is gone, ENOSPC or not");
        try (var list = Files.list(mount)) {
            assertEquals(0, list.count(), "nothing left on the file system");
        }
        FileStorm again = storm(io, 0);
        again.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> again.created() > 1000);
        again.stopAndClean(Duration.ofSeconds(20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void readOnlyFileSystem_failuresAreCountedNotFatal_andNothingIsLeft(FileIo io) throws Exception {
        Files.createDirectories(mount.resolve("w0"));
        assertEquals(0, sh("mount", "-o", "remount,ro", mount.toString()), "remount read-only");
        FileStorm s = storm(io, 0);
        s.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.errors(kiln.link.FileOp.CREATE) >= 3);
        assertEquals(0, s.created(), "nothing can be made on a read-only file system");
        assertEquals(0, s.errors(kiln.link.FileOp.TAMPER), "a read-only file system is not tampering");
        assertTrue(s.readOnlyFailures() >= 3, "each counted as EROFS too: " + s.readOnlyFailures());
        assertEquals(0, s.deviceFaults(), "and not as a failing disk");
        kiln.link.FileStats stats = s.stats(0);
        var byOp = stats.errors(); // one snapshot: the storm goes on failing meanwhile
        assertEquals(byOp.get(kiln.link.FileOp.CREATE) + byOp.get(kiln.link.FileOp.WRITE) + byOp.get(kiln.link.FileOp.DELETE)
                + byOp.get(kiln.link.FileOp.VERIFY), stats.ioErrors(),
                "counted once as I/O errors, not again as read-only: " + byOp);
        assertTrue(byOp.get(kiln.link.FileErrorCause.READ_ONLY) >= 3, byOp.toString());
        assertEquals(0, s.stopAndClean(Duration.ofSeconds(10)), "stops cleanly with nothing left to remove");
        try (var list = Files.list(mount.resolve("w0"))) {
            assertEquals(0, list.count());
        }
    }

    /** mount -o remount with {@code how}; a writer holding a file open makes it EBUSY now and then, so it is tried again. */
    private void remount(String how) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (sh("mount", "-o", "remount," + how, mount.toString()) == 0) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("cannot remount " + how);
    }

    /**
     * A churning storm (300 kept, so that it goes on making files as long as a test needs, 100 in flight) on a
     * file system that has just gone read-only. The free space it is told is {@code free}, so that
     * it could be paused with no file open for the remount (a file open for writing makes it
     * refuse, EBUSY); it is left at 0, paused, for the caller to give room again.
     */
    private FileStorm stormOnReadOnly(FileIo io, java.util.concurrent.atomic.AtomicLong free) throws Exception {
        free.set(16 * MIB);
        var options = new StormOptions(mount.resolve("w0"), 1024, 100, 2, 300, MIB, false, false, 1);
        FileStorm s = storms.track(new FileStorm(options, io, 0, Ticker.SYSTEM, new Storms.Asked(free::get), store.getBlockSize()));
        s.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.created() > 500);
        free.set(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.paused() && s.inFlight() == 0);
        // at the floor it deleted its oldest files to make room, but while no reading shows room, at most
        // a window's worth (100 here, in batches of 12) a second: a file system that frees lazily is not emptied
        assertTrue(s.filesKept() >= 300 - 2 * (100 + 12) && s.filesKept() < 300, "kept " + s.filesKept());
        remount("ro");
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void aFileSystemThatGoesReadOnlyMidRun_isCountedAsSuch_andTheStormCleansUpOnceItIsWritableAgain(FileIo io) throws Exception {
        java.util.concurrent.atomic.AtomicLong free = new java.util.concurrent.atomic.AtomicLong();
        FileStorm s = stormOnReadOnly(io, free);
        try {
            free.set(16 * MIB);
            await().atMost(Duration.ofSeconds(10)).until(() -> s.readOnlyFailures() >= 3);
        } finally {
            remount("rw");
        }
        assertEquals(0, s.deviceFaults(), "EROFS is not EIO");
        assertEquals(0, s.errors(kiln.link.FileOp.TAMPER));
        long before = s.created();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.created() > before + 1000);
        assertEquals(0, s.stopAndClean(Duration.ofSeconds(20)), "nothing left");
        assertEquals(s.created(), s.deleted(), "every file it made is gone, those whose delete failed while read-only too");
        try (var list = Files.list(mount)) {
            assertEquals(0, list.count(), "nothing left on the file system");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void filesThatCannotBeDeleted_areCountedAsLeft_notForgotten(FileIo io) throws Exception {
        FileStorm s = stormOnReadOnly(io, new java.util.concurrent.atomic.AtomicLong());
        long left;
        try {
            left = s.stopAndClean(Duration.ofSeconds(5));
        } finally {
            remount("rw");
        }
        long onDisk;
        try (var walk = Files.walk(mount)) {
            onDisk = walk.filter(Files::isRegularFile).count();
        }
        assertTrue(onDisk > 0, "a read-only file system keeps the files");
        assertEquals(onDisk, left, "every file still there is reported left, for the supervisor to say so and the next kiln to sweep");
        assertEquals(s.created() - s.deleted(), left);
    }

    private FileStorm big(FileIo io, String dir, int size, long minFree, int share) throws IOException {
        return big(io, dir, size, minFree, share, Ticker.SYSTEM);
    }

    private FileStorm big(FileIo io, String dir, int size, long minFree, int share, Ticker ticker) throws IOException {
        var options = new StormOptions(mount.resolve(dir), size, 1000, 2, 1_000_000, minFree, false, false, share);
        asked = new Storms.Asked(this::free);
        return storms.track(new FileStorm(options, io, 0, ticker, asked, store.getBlockSize()));
    }

    /** The free-space source of the storm made last. */
    private Storms.Asked asked;

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void floor_holdsForLargeFilesAndSeveralWorkersTogether(FileIo io) throws Exception {
        long floor = 4 * MIB;
        int size = 256 * 1024;
        FileStorm a = big(io, "w0", size, floor, 2);
        FileStorm b = big(io, "w1", size, floor, 2);
        a.start();
        b.start();
        long lowest = lowestUntil(() -> a.deleted() > 0 && b.deleted() > 0, 10, "both reach the floor and churn there");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < until) {
            lowest = Math.min(lowest, store.getUsableSpace());
        }
        assertTrue(a.created() > 0 && b.created() > 0, "both made files: " + a.created() + ", " + b.created());
        assertEquals(0, a.errors(kiln.link.FileOp.CREATE) + a.errors(kiln.link.FileOp.WRITE) + b.errors(kiln.link.FileOp.CREATE)
                + b.errors(kiln.link.FileOp.WRITE), "the floor kept ENOSPC away");
        assertTrue(lowest >= floor - 2L * size, "free space " + lowest / 1024 + " KiB stays within two files of the floor "
                + floor / 1024 + " KiB, not two workers' worth of room below it");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void filesLargerThanABatchCanHold_areStillMade_oneAtATime(FileIo io) throws Exception {
        long floor = 4 * MIB;
        FileStorm s = big(io, "w0", (int) MIB, floor, 1);
        s.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> s.deleted() > 0);
        assertTrue(s.created() >= 8, "12 MiB of room makes about 11 files of 1 MiB before the floor, not none: " + s.created());
        assertTrue(store.getUsableSpace() >= floor - MIB, "and the floor holds: " + store.getUsableSpace() / 1024 + " KiB");
    }
}
