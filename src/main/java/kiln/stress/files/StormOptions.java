package kiln.stress.files;

import java.nio.file.Path;

/**
 * What one {@link FileStorm} makes, and where.
 *
 * @param dir      the worker's own directory ({@code <dir>/w<id>}), made if missing
 * @param fileSize payload bytes per file, at least 64
 * @param inFlight semaphore permits, 1..1000
 * @param threads  writer threads, 0 = chosen by {@link #writerThreads(int)}
 * @param maxFiles files kept before the oldest are deleted
 * @param minFree  usable-space floor in bytes
 * @param fsync    fsync each file before closing it
 * @param verify   read back every {@value FileStorm#VERIFY_EVERY}th file and check its checksum
 * @param share    workers writing to the same file system (all of a run's): each takes this share of the room above
 *                 the floor, and of the cpus for its writer threads
 * @param minFreeInodes free-inode floor of the file system (0 = none), held by all {@code share} workers together
 */
public record StormOptions(Path dir, int fileSize, int inFlight, int threads, long maxFiles, long minFree, boolean fsync,
                           boolean verify, int share, long minFreeInodes) {
    /** Without an inode floor. */
    public StormOptions(Path dir, int fileSize, int inFlight, int threads, long maxFiles, long minFree, boolean fsync,
                        boolean verify, int share) {
        this(dir, fileSize, inFlight, threads, maxFiles, minFree, fsync, verify, share, 0);
    }

    /** One storm alone on its file system. */
    public StormOptions(Path dir, int fileSize, int inFlight, int threads, long maxFiles, long minFree, boolean fsync,
                        boolean verify) {
        this(dir, fileSize, inFlight, threads, maxFiles, minFree, fsync, verify, 1);
    }

    /**
     * Writer threads for a worker that may run on {@code cpus} cpus: as set, else 16 with fsync
     * (each create waits on the device), else one per cpu this worker has to itself, at least 1.
     * At the default of one worker per core that is one writer per core, as in a plain loop of
     * creates; two per worker made about 10% fewer files on tmpfs ({@code src/bench}). With fewer
     * workers than cpus, the writers still cover every cpu.
     */
    int writerThreads(int cpus) {
        if (threads > 0) {
            return threads;
        }
        return fsync ? 16 : Math.max(1, (Math.max(1, cpus) + share - 1) / share);
    }
}
