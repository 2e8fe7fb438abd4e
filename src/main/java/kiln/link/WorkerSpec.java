package kiln.link;

/**
 * What one worker runs: sent by the supervisor in the {@code start} frame. Immutable. The wire
 * fields are flat ({@code file_size=…}, {@code cpu_load=…}); the record groups them by stressor.
 *
 * @param id          worker number, 0-based
 * @param dir         the worker's own directory ({@code <files.dir>/w<id>[.<life>]}), absolute
 * @param files       the file stressor
 * @param cpu         the CPU burners
 * @param memoryBytes off-heap buffer to stress, 0 = off
 * @param parent      the supervisor, watched so that the worker never outlives it
 * @param memory      what the memory stressor runs over its buffer
 */
public record WorkerSpec(int id, String dir, Files files, Cpu cpu, long memoryBytes, Parent parent, Memory memory)
        implements Message.ToWorker {

    static final String TYPE = "start";

    /** The default memory patterns. */
    public WorkerSpec(int id, String dir, Files files, Cpu cpu, long memoryBytes, Parent parent) {
        this(id, dir, files, cpu, memoryBytes, parent, Memory.DEFAULT);
    }

    /**
     * @param patterns      the memory patterns' names, comma-separated, in the order they run ("" = the default ones)
     * @param bitFadeMillis how long the bit-fade pattern leaves the memory alone
     */
    public record Memory(String patterns, long bitFadeMillis) {
        /** The worker's defaults. */
        public static final Memory DEFAULT = new Memory("", 300_000);
    }

    /**
     * @param enabled  run the file stressor
     * @param size     payload bytes per file
     * @param inFlight creations in flight (semaphore permits)
     * @param threads  writer threads, 0 = choose for the mode
     * @param maxFiles files kept before the oldest are deleted
     * @param minFree  usable-space floor in bytes
     * @param fsync    fsync every file
     * @param verify   read back a sample of files and check their checksum
     * @param share    workers sharing the free space above the floor (each takes 1/share)
     * @param minFreeInodes free-inode floor of the file system, as a count the supervisor worked out at start (0 = none)
     */
    public record Files(boolean enabled, int size, int inFlight, int threads, long maxFiles, long minFree, boolean fsync,
                        boolean verify, int share, long minFreeInodes) {
        /** No file stressor. */
        public static final Files OFF = new Files(false, 1024, 1, 0, 1, 0, false, false, 1, 0);

        /** Without an inode floor. */
        public Files(boolean enabled, int size, int inFlight, int threads, long maxFiles, long minFree, boolean fsync,
                     boolean verify, int share) {
            this(enabled, size, inFlight, threads, maxFiles, minFree, fsync, verify, share, 0);
        }
    }

    /**
     * @param enabled run the CPU burners
     * @param load    target busy percentage 0..100
     * @param method  burner method name
     * @param threads burner threads
     */
    public record Cpu(boolean enabled, int load, String method, int threads) {
        /** No CPU burners. */
        /** The method word that rotates through every registered CPU method. */
        public static final String ALL_METHODS = "all";
        public static final Cpu OFF = new Cpu(false, 0, ALL_METHODS, 1);
    }

    /**
     * @param pid     pid of the supervisor
     * @param startMs its start instant in epoch millis, against pid reuse (0 = unknown)
     */
    public record Parent(long pid, long startMs) {
        /** None to watch (tests). */
        public static final Parent NONE = new Parent(0, 0);

        /** This process, as the parent of the workers it starts. */
        public static Parent current() {
            return new Parent(ProcessHandle.current().pid(),
                    ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L));
        }
    }

    /** The same spec for another life of the worker, writing to {@code otherDir}. */
    public WorkerSpec withDir(String otherDir) {
        return new WorkerSpec(id, otherDir, files, cpu, memoryBytes, parent, memory);
    }

    @Override
    public Frame toFrame() {
        return Frame.of(TYPE)
                .put("id", id).put("dir", dir)
                .put("files", files.enabled).put("file_size", files.size).put("in_flight", files.inFlight)
                .put("file_threads", files.threads).put("max_files", files.maxFiles).put("min_free", files.minFree)
                .put("fsync", files.fsync).put("verify_files", files.verify).put("floor_share", files.share)
                .put("min_free_inodes", files.minFreeInodes)
                .put("cpu", cpu.enabled).put("cpu_load", cpu.load).put("cpu_method", cpu.method).put("cpu_threads", cpu.threads)
                .put("memory_bytes", memoryBytes).put("memory_patterns", memory.patterns).put("bit_fade_ms", memory.bitFadeMillis)
                .put("parent_pid", parent.pid).put("parent_start_ms", parent.startMs)
                .build();
    }

    /** @throws MalformedFrameException when a required field is missing or out of range */
    static WorkerSpec fromFrame(Frame f) throws MalformedFrameException {
        if (!TYPE.equals(f.type())) {
            throw new MalformedFrameException("expected a start frame, got " + f.type());
        }
        String dir = f.get("dir", null);
        String method = f.get("cpu_method", null);
        if (dir == null || method == null) {
            throw new MalformedFrameException("start frame without dir or cpu_method");
        }
        Files files = new Files(f.getLong("files", 0) == 1, (int) f.getLong("file_size", 1024), (int) f.getLong("in_flight", 1000),
                (int) f.getLong("file_threads", 0), f.getLong("max_files", 20_000), f.getLong("min_free", 0),
                f.getLong("fsync", 0) == 1, f.getLong("verify_files", 0) == 1, (int) f.getLong("floor_share", 1),
                f.getLong("min_free_inodes", 0));
        Cpu cpu = new Cpu(f.getLong("cpu", 0) == 1, (int) f.getLong("cpu_load", 100), method, (int) f.getLong("cpu_threads", 1));
        WorkerSpec spec = new WorkerSpec((int) f.getLong("id", -1), dir, files, cpu, f.getLong("memory_bytes", 0),
                new Parent(f.getLong("parent_pid", 0), f.getLong("parent_start_ms", 0)),
                new Memory(f.get("memory_patterns", ""), f.getLong("bit_fade_ms", Memory.DEFAULT.bitFadeMillis)));
        if (spec.id < 0 || files.size < 1 || files.inFlight < 1 || files.maxFiles < 1 || files.threads < 0 || files.share < 1 || files.minFreeInodes < 0
                || cpu.load < 0 || cpu.load > 100 || cpu.threads < 1 || spec.memoryBytes < 0
                || spec.memory.bitFadeMillis < 0) {
            throw new MalformedFrameException("start frame with a value out of range: " + f.fields());
        }
        return spec;
    }
}
