package kiln.link;

/**
 * What one worker runs: sent by the supervisor in the {@code start} frame. Immutable.
 *
 * @param id            worker number, 0-based
 * @param dir           the worker's own directory ({@code <files.dir>/w<id>}), absolute
 * @param files         run the file stressor
 * @param fileSize      payload bytes per file
 * @param inFlight      creations in flight (semaphore permits)
 * @param fileThreads   writer threads, 0 = choose for the mode
 * @param maxFiles      files kept before the oldest are deleted
 * @param minFree       usable-space floor in bytes
 * @param fsync         fsync every file
 * @param verifyFiles   read back a sample of files and check their checksum
 * @param cpu           run the CPU burners
 * @param cpuLoad       target busy percentage 0..100
 * @param cpuMethod     burner method name
 * @param cpuThreads    burner threads
 * @param memoryBytes   off-heap buffer to stress, 0 = off
 * @param parentPid     pid of the supervisor, watched so that the worker never outlives it
 * @param parentStartMs start instant of the supervisor in epoch millis, against pid reuse (0 = unknown)
 */
public record WorkerSpec(int id, String dir, boolean files, int fileSize, int inFlight, int fileThreads,
                         long maxFiles, long minFree, boolean fsync, boolean verifyFiles, boolean cpu, int cpuLoad,
                         String cpuMethod, int cpuThreads, long memoryBytes, long parentPid, long parentStartMs) {

    public static final String TYPE = "start";

    /** The same spec for another life of the worker, writing to {@code otherDir}. */
    public WorkerSpec withDir(String otherDir) {
        return new WorkerSpec(id, otherDir, files, fileSize, inFlight, fileThreads, maxFiles, minFree, fsync, verifyFiles,
                cpu, cpuLoad, cpuMethod, cpuThreads, memoryBytes, parentPid, parentStartMs);
    }

    public Frame toFrame() {
        return Frame.of(TYPE)
                .put("id", id).put("dir", dir)
                .put("files", files).put("file_size", fileSize).put("in_flight", inFlight)
                .put("file_threads", fileThreads).put("max_files", maxFiles).put("min_free", minFree)
                .put("fsync", fsync).put("verify_files", verifyFiles)
                .put("cpu", cpu).put("cpu_load", cpuLoad).put("cpu_method", cpuMethod).put("cpu_threads", cpuThreads)
                .put("memory_bytes", memoryBytes)
                .put("parent_pid", parentPid).put("parent_start_ms", parentStartMs)
                .build();
    }

    /** @throws MalformedFrameException when a required field is missing or out of range */
    public static WorkerSpec fromFrame(Frame f) throws MalformedFrameException {
        if (!TYPE.equals(f.type())) {
            throw new MalformedFrameException("expected a start frame, got " + f.type());
        }
        String dir = f.get("dir", null);
        String method = f.get("cpu_method", null);
        if (dir == null || method == null) {
            throw new MalformedFrameException("start frame without dir or cpu_method");
        }
        WorkerSpec spec = new WorkerSpec((int) f.getLong("id", -1), dir, f.getLong("files", 0) == 1,
                (int) f.getLong("file_size", 1024), (int) f.getLong("in_flight", 1000),
                (int) f.getLong("file_threads", 0), f.getLong("max_files", 20_000), f.getLong("min_free", 0),
                f.getLong("fsync", 0) == 1, f.getLong("verify_files", 0) == 1, f.getLong("cpu", 0) == 1,
                (int) f.getLong("cpu_load", 100), method, (int) f.getLong("cpu_threads", 1), f.getLong("memory_bytes", 0),
                f.getLong("parent_pid", 0), f.getLong("parent_start_ms", 0));
        if (spec.id < 0 || spec.fileSize < 1 || spec.inFlight < 1 || spec.maxFiles < 1
                || spec.cpuLoad < 0 || spec.cpuLoad > 100 || spec.cpuThreads < 1 || spec.fileThreads < 0
                || spec.memoryBytes < 0) {
            throw new MalformedFrameException("start frame with a value out of range: " + f.fields());
        }
        return spec;
    }
}
