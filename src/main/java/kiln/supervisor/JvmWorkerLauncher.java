package kiln.supervisor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a worker as a child JVM: the same {@code java} binary and class path as this one, a
 * small heap and flags for many small JVMs, pinned to one cpu with {@code taskset} when asked
 * and available. Thread-safe.
 */
public final class JvmWorkerLauncher implements WorkerLauncher {
    private static final String MAIN = "kiln.worker.WorkerMain";
    private static final Path TASKSET = findTaskset();

    private final long heapBytes;
    private final long directBytes;
    private final boolean pin;
    private final int cpus;

    /**
     * @param heapBytes   maximum heap of a worker
     * @param memoryBytes off-heap buffer the worker's memory stressor allocates
     * @param pin         pin worker i to cpu i mod {@code cpus}
     */
    public JvmWorkerLauncher(long heapBytes, long memoryBytes, boolean pin) {
        this.heapBytes = heapBytes;
        // the memory stressor's buffers, plus what the JDK's own I/O buffers need
        this.directBytes = memoryBytes + (64L << 20);
        this.pin = pin;
        this.cpus = Runtime.getRuntime().availableProcessors();
    }

    private static Path findTaskset() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, "taskset");
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
        List<String> cmd = new ArrayList<>();
        if (pinning()) {
            cmd.add(TASKSET.toString());
            cmd.add("-c");
            cmd.add(Integer.toString(id % cpus));
        }
        cmd.add(javaBinary());
        cmd.add("-Xms16m");
        cmd.add("-Xmx" + Math.max(16, heapBytes >> 20) + "m");
        cmd.add("-Xss512k");
        cmd.add("-XX:MaxDirectMemorySize=" + (directBytes >> 20) + "m");
        cmd.add("-XX:+UseSerialGC");          // one core per worker: no parallel GC threads
        cmd.add("-XX:TieredStopAtLevel=4");
        cmd.add("-XX:ReservedCodeCacheSize=48m");
        cmd.add("-XX:MaxMetaspaceSize=64m");
        cmd.add("-XX:-UsePerfData");          // no hsperfdata files in /tmp: write only under our dir
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-Xshare:auto");
        cmd.add("-Dkiln.worker=" + id);
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // the FFM file path, without a warning
        }
        String io = System.getProperty(kiln.workspace.FileIo.PROPERTY);
        if (io != null) {
            cmd.add("-D" + kiln.workspace.FileIo.PROPERTY + "=" + io);
        }
        String level = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
        if (level != null) {
            cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level); // the supervisor's log level, e.g. --quiet
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN);
        return cmd;
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }

    @Override
    public WorkerProcess launch(int id) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(id));
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        return WorkerProcess.of(pb.start());
    }
}
