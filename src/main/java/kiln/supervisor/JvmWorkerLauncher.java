package kiln.supervisor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import kiln.workspace.ClassDataCache;
import kiln.workspace.WorkerClassPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a worker as a child JVM: the same {@code java} binary as this one, the worker's class
 * path ({@link WorkerClassPath}), a small heap and flags for many small JVMs, pinned to one cpu
 * with {@code taskset} when asked and available. Thread-safe.
 */
public final class JvmWorkerLauncher implements WorkerLauncher {
    private static final String MAIN = "kiln.worker.WorkerMain";
    private static final Path TASKSET = find("taskset");
    private static final Path NICE = find("nice");
    /** Environment variable with extra JVM options for the workers, e.g. {@code -Xlog:gc}. */
    public static final String EXTRA_OPTIONS = "KILN_WORKER_JAVA_OPTIONS";
    /**
     * Upper bound of a worker's memory outside its heap and the memory stressor's buffer: JIT
     * code and compiler memory, metaspace, thread stacks, malloc. Measured at 35-50 MiB of RSS on
     * JDK 17 and 25 (src/bench/startup-memory.sh); the bound leaves room.
     */
    public static final long NON_HEAP_BYTES = 64L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(JvmWorkerLauncher.class);

    private final long heapBytes;
    private final long directBytes;
    private final boolean pin;
    private final boolean yielding;
    private final int cpus;
    private final ClassDataCache classData;
    /** The worker that writes the class-data archive as it exits: the first launched without one. */
    private final AtomicReference<Process> archiveWriter = new AtomicReference<>();

    /**
     * @param heapBytes   maximum heap of a worker
     * @param memoryBytes off-heap buffer the worker's memory stressor allocates
     * @param pin         pin worker i to cpu i mod {@code cpus}
     */
    public JvmWorkerLauncher(long heapBytes, long memoryBytes, boolean pin) {
        this(heapBytes, memoryBytes, pin, null);
    }

    /** @param classData the workers' class-data archive, or null to start them without */
    public JvmWorkerLauncher(long heapBytes, long memoryBytes, boolean pin, ClassDataCache classData) {
        this(heapBytes, memoryBytes, pin, classData, false);
    }

    /** @param yielding start the workers at the lowest priority ({@code nice -n 19}), where nice exists: they yield to any other work */
    public JvmWorkerLauncher(long heapBytes, long memoryBytes, boolean pin, ClassDataCache classData, boolean yielding) {
        this.yielding = yielding && NICE != null;
        this.classData = classData;
        this.heapBytes = heapBytes;
        // the memory stressor's buffers, plus what the JDK's own I/O buffers need
        this.directBytes = memoryBytes + (64L << 20);
        this.pin = pin;
        this.cpus = Runtime.getRuntime().availableProcessors();
    }

    private static Path find(String command) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Whether workers will really be pinned. */
    public boolean pinning() {
        return pin && TASKSET != null;
    }

    List<String> command(int id) {
        return command(id, false);
    }

    List<String> command(int id, boolean writesArchive) {
        List<String> cmd = new ArrayList<>();
        if (yielding) {
            cmd.add(NICE.toString());
            cmd.add("-n");
            cmd.add("19");
        }
        if (pinning()) {
            cmd.add(TASKSET.toString());
            cmd.add("-c");
            cmd.add(Integer.toString(id % cpus));
        }
        cmd.add(javaBinary());
        cmd.addAll(jvmFlags());
        if (classData != null) {
            cmd.addAll(classData.jvmOptions(writesArchive));
        }
        cmd.add("-Dkiln.worker=" + id);
        String io = System.getProperty(kiln.workspace.FileIo.PROPERTY);
        if (io != null) {
            cmd.add("-D" + kiln.workspace.FileIo.PROPERTY + "=" + io);
        }
        String level = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
        if (level != null) {
            cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level); // the supervisor's log level, e.g. --quiet
        }
        cmd.addAll(extraOptions()); // the operator's own, last so they win
        cmd.add("-cp");
        cmd.add(WorkerClassPath.get());
        cmd.add(MAIN);
        return cmd;
    }

    /** The operator's extra worker JVM options ({@link #EXTRA_OPTIONS}). */
    private static List<String> extraOptions() {
        String extra = System.getenv(EXTRA_OPTIONS);
        return extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
    }

    /** The worker JVM's flags: heap, collector, compiler, logging. The AOT cache is assembled with the same. */
    private List<String> jvmFlags() {
        List<String> cmd = new ArrayList<>();
        cmd.add("-Xms16m");
        cmd.add("-Xmx" + Math.max(16, heapBytes >> 20) + "m");
        // a small young generation: every page of it is touched each cycle, and a worker's garbage
        // (stats frames, the big-number cpu method) dies young; 2 MiB costs no measurable speed
        cmd.add("-Xmn2m");
        cmd.add("-Xss512k");
        cmd.add("-XX:MaxDirectMemorySize=" + (directBytes >> 20) + "m");
        cmd.add("-XX:+UseSerialGC");          // one core per worker: no parallel GC threads
        // C2 only: a worker's hot code (the burners, the file loop) ends in C2 either way; without the
        // C1 tiers a worker boots in less CPU (measured: all running at 2 workers 0.63-0.72 s against
        // 0.72-0.88 s, at 16 workers 2.7 s against 2.7-3.0 s) and keeps ~4 MiB less (PSS 37-39 MiB
        // against 41-42 at 2 workers, 24 against 28-30 at 16), at the same files/s and cpu ops/s
        cmd.add("-XX:-TieredCompilation");
        cmd.add("-XX:ReservedCodeCacheSize=48m");
        cmd.add("-XX:MaxMetaspaceSize=64m");
        cmd.add("-XX:-UsePerfData");          // no hsperfdata files in /tmp: write only under our dir
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        // map the class-data archives where they were written instead of at a random address: a
        // relocated archive has its pointers patched, which makes private copies of ~5 MiB of pages
        // per worker that every worker otherwise shares (the JDK default before 21; a worker reads
        // nothing but its supervisor's pipe)
        cmd.add("-XX:+UnlockDiagnosticVMOptions");
        cmd.add("-XX:ArchiveRelocationMode=0");
        // the JVM's own warnings (a stale archive, say) go to the log, never into the frame stream;
        // dumping an archive or recording for an AOT cache warns of every class it skips
        cmd.add("-Xlog:disable");
        // and what the VM prints outside its log (a recorded AOT configuration, say) goes to stderr too
        cmd.add("-XX:+DisplayVMOutputToStderr");
        cmd.add(ClassDataCache.aotCache(Runtime.version()) ? "-Xlog:all=warning,cds=error,aot=error:stderr"
                : "-Xlog:all=warning,cds=error:stderr");
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // the FFM file path, without a warning
        }
        if (vectorApi(Runtime.version())) {
            // the fma cpu method's 256-bit vectors (kiln.stress.cpu.VectorFma): 2.7x the GFLOP/s of Math.fma loops
            cmd.add("--add-modules=" + VECTOR_MODULE);
        }
        if (trimsNativeHeap(Runtime.version())) {
            // hand freed malloc memory (C2's compile arenas) back to the OS: 3 MiB less per worker
            // on JDK 25, 10-25 MiB on JDK 17, whose glibc heap otherwise keeps every compile's peak
            cmd.add("-XX:TrimNativeHeapInterval=1000");
        }
        return cmd;
    }

    static final String VECTOR_MODULE = "jdk.incubator.vector";

    /**
     * Whether the worker JVM gets the Vector API: JDK 22 or newer (kiln's vector code is built
     * against 22's incubator; 17-21 run the fma method on loops) that has the module.
     */
    static boolean vectorApi(Runtime.Version v) {
        return v.feature() >= 22 && java.lang.module.ModuleFinder.ofSystem().find(VECTOR_MODULE).isPresent();
    }

    /**
     * Whether the JVM knows {@code -XX:TrimNativeHeapInterval}: JDK 22, and the updates it was
     * backported to (17.0.9, 21.0.1). An unknown {@code -XX} flag would stop the worker from starting.
     */
    static boolean trimsNativeHeap(Runtime.Version v) {
        int feature = v.feature();
        return feature >= 22 || (feature == 21 && v.update() >= 1) || (feature == 17 && v.update() >= 9);
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }

    /**
     * The C library's error messages in the worker untranslated ({@code LC_MESSAGES=C}), the rest of
     * the locale kept: on JDK 17 an errno the JDK has no exception type for (EIO) reaches kiln only
     * as strerror's words, which {@code Errno} tells from one table of the C locale's texts; under a
     * translated locale a dying disk would read as an unexplained error (inconclusive, not fail).
     * An {@code LC_ALL} would override {@code LC_MESSAGES}, so its value moves to {@code LC_CTYPE}
     * (the character set of paths and logs) unless that is set.
     */
    static void untranslatedErrors(java.util.Map<String, String> env) {
        String all = env.remove("LC_ALL");
        if (all != null && !all.isEmpty()) {
            env.putIfAbsent("LC_CTYPE", all);
        }
        env.put("LC_MESSAGES", "C");
    }

    @Override
    public WorkerProcess launch(int id) throws IOException {
        boolean writer = classData != null && !classData.ready() && archiveWriter.get() == null;
        List<String> command;
        try {
            command = command(id, writer);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // no class path kiln may load: the worker is not started, and says why
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        // few threads allocate natively in a worker: two malloc arenas, not eight per core
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        untranslatedErrors(pb.environment());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        if (writer) {
            archiveWriter.compareAndSet(null, p);
        }
        return WorkerProcess.of(p);
    }

    /**
     * After the run: the archive a worker wrote takes its name. For an AOT cache, the supervisor
     * first assembles it from what the worker recorded, in a JVM with the workers' own flags.
     */
    @Override
    public void runEnded() {
        if (classData == null) {
            return;
        }
        Process w = archiveWriter.get();
        boolean written = w != null && !w.isAlive() && w.exitValue() == 0;
        if (written) {
            Optional<List<String>> assembly = classData.assemblyOptions();
            if (assembly.isPresent()) {
                written = assemble(assembly.get());
            }
        }
        classData.runEnded(written);
    }

    /** Assembles the AOT cache in a JVM with the workers' own flags; whether it finished cleanly. */
    private boolean assemble(List<String> options) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmFlags());
        cmd.addAll(extraOptions());
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(WorkerClassPath.get());
        return AotAssembly.run(cmd);
    }
}
