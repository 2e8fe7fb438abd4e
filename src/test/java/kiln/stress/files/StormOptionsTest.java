package kiln.stress.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StormOptionsTest {
    private static StormOptions options(int threads, boolean fsync, int workers) {
        return new StormOptions(Path.of("w0"), 1024, 1000, threads, 20_000, 0, fsync, false, workers);
    }

    @Test
    void auto_isOneWriterPerCpuTheWorkerHasToItself() {
        assertEquals(1, options(0, false, 2).writerThreads(2), "one worker per core: one writer each");
        assertEquals(1, options(0, false, 2).writerThreads(1), "pinned to its cpu");
        assertEquals(1, options(0, false, 16).writerThreads(2), "more workers than cpus");
        assertEquals(2, options(0, false, 1).writerThreads(2), "one worker on two cpus still covers both");
        assertEquals(2, options(0, false, 3).writerThreads(4), "a cpu left over goes to a second writer");
        assertEquals(1, options(0, false, 1).writerThreads(0), "at least one, whatever the JVM says");
    }

    @Test
    void auto_withFsync_waitsOnTheDeviceWithSixteen() {
        assertEquals(16, options(0, true, 2).writerThreads(2));
        assertEquals(16, options(0, true, 2).writerThreads(1));
    }

    @Test
    void aNumberSet_isKept() {
        assertEquals(2, options(2, false, 2).writerThreads(2));
        assertEquals(3, options(3, true, 1).writerThreads(64));
    }
}
