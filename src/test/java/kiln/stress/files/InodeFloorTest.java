package kiln.stress.files;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.util.Ticker;
import kiln.workspace.FileIo;
import kiln.workspace.Inodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storm on a real tmpfs of 600 inodes (root only; skipped otherwise, saying so), on each
 * file path: two workers together hold the inode floor, and without a floor the inodes running out
 * is counted as pressure (ENOSPC, {@link WorkerStats#FULL}), apart from faults.
 */
@Timeout(60)
final class InodeFloorTest {
    @TempDir
    Path tmp;

    @org.junit.jupiter.api.extension.RegisterExtension
    final Storms storms = new Storms();
    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root: skipped");
        mount = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(SmallFileSystemTest.sh("mount", "-t", "tmpfs", "-o", "size=64m,nr_inodes=600", "kiln-inodes", mount.toString()) == 0,
                "cannot mount a tmpfs here: skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        storms.stopAll();
        if (mount != null) {
            SmallFileSystemTest.sh("umount", "-l", mount.toString());
        }
    }

    private long freeInodes() {
        try {
            return Inodes.read(mount).free();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private FileStorm storm(FileIo io, String dir, long minFreeInodes, int share) throws Exception {
        return storm(io, dir, minFreeInodes, share, Inodes.reader());
    }

    private FileStorm storm(FileIo io, String dir, long minFreeInodes, int share, Inodes.Reader reader) throws Exception {
        var options = new StormOptions(mount.resolve(dir), 1024, 1000, 2, 1_000_000, 0, false, false, share, minFreeInodes);
        return storms.track(new FileStorm(options, io, 0, Ticker.SYSTEM, () -> Long.MAX_VALUE, 4096, () -> {
            try {
                return reader.read(mount).free();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, reader.interval()));
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> iosAndReaders() {
        return Storms.ios().stream().flatMap(io -> java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(io, Inodes.reader()),
                org.junit.jupiter.params.provider.Arguments.of(io, Inodes.statCommand())));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("iosAndReaders")
    void twoWorkers_holdTheInodeFloorTogether_andChurnThere(FileIo io, Inodes.Reader reader) throws Exception {
        long floor = 100;
        FileStorm a = storm(io, "w0", floor, 2, reader);
        FileStorm b = storm(io, "w1", floor, 2, reader);
        a.start();
        b.start();
        AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            lowest.accumulateAndGet(freeInodes(), Math::min);
            return a.floorDeleted() > 0 && b.floorDeleted() > 0;
        });
        for (int i = 0; i < 100; i++) {
            lowest.accumulateAndGet(freeInodes(), Math::min);
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertTrue(lowest.get() >= floor, "free inodes went down to " + lowest.get() + ", below the floor of " + floor);
        assertEquals(0, a.stats(0).ioErrors() + b.stats(0).ioErrors(), "no creation failed: the floor kept the inodes from running out");
        // 600 inodes less the floor, the directories, and at most a batch (64) per worker per half-share read by a
        // process; read once a second by stat, with what is in flight at a reading held back, two workers keep less
        long kept = a.filesKept() + b.filesKept();
        long least = reader.interval().compareTo(Duration.ofMillis(500)) >= 0 ? 100 : 200;
        assertTrue(kept > least, "the room above the floor is used: " + kept + " files kept (reader " + reader + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kiln.stress.files.Storms#ios")
    void withoutAFloor_inodesRunningOut_isCountedAsPressure(FileIo io) throws Exception {
        // inodes run out with bytes to spare: NIO reports that ENOSPC only in strerror's words, which
        // Errno's table tells as the native path tells the errno
        FileStorm s = storm(io, "w0", 0, 1);
        s.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> s.stats(0).ioErrors() > 0);
        FileStats stats = s.stats(0);
        assertTrue(stats.fullErrors() > 0, stats.errors().toString());
        assertEquals(stats.ioErrors(), stats.fullErrors(), "every failure was ENOSPC: " + stats.errors());
        assertEquals(0, s.deviceFaults());
    }
}
