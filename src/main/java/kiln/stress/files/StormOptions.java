package kiln.stress.files;

import java.nio.file.Path;

/**
 * What one {@link FileStorm} makes, and where.
 *
 * @param dir      the worker's own directory ({@code <dir>/w<id>}), made if missing
 * @param fileSize payload bytes per file, at least 64
 * @param inFlight semaphore permits, 1..1000
 * @param threads  writer threads, 0 = 2 for page-cache writes, 16 with fsync
 * @param maxFiles files kept before the oldest are deleted
 * @param minFree  usable-space floor in bytes
 * @param fsync    fsync each file before closing it
 * @param verify   read back every {@value FileStorm#VERIFY_EVERY}th file and check its checksum
 * @param share    workers writing to the same file system: each takes this share of the room above the floor
 */
public record StormOptions(Path dir, int fileSize, int inFlight, int threads, long maxFiles, long minFree, boolean fsync,
                           boolean verify, int share) {
    /** One storm alone on its file system. */
    public StormOptions(Path dir, int fileSize, int inFlight, int threads, long maxFiles, long minFree, boolean fsync,
                        boolean verify) {
        this(dir, fileSize, inFlight, threads, maxFiles, minFree, fsync, verify, 1);
    }

    int writerThreads() {
        return threads > 0 ? threads : fsync ? 16 : 2;
    }
}
