package kiln.supervisor;

import kiln.util.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import kiln.config.Settings;
import kiln.link.WorkerSpec;
import kiln.workspace.Layout;
import kiln.workspace.Workspace;

/**
 * The machinery of one stress run, built from settings: the worker pool (one JVM per worker,
 * with its spec) and the run monitor (ramp, readiness, fault). Not started until {@link #start}.
 */
public final class Stress implements AutoCloseable {
    private final Settings settings;
    private final WorkerPool pool;
    private final RunMonitor monitor;
    private final long memoryPerWorker;
    private final Workspace workspace;
    private final WorkerLauncher launcher;

    /**
     * @param memoryPerWorker off-heap bytes each worker stresses (already capped), 0 for none
     * @param launcher        starts the worker processes
     */
    public Stress(Settings settings, Workspace workspace, long memoryPerWorker, WorkerLauncher launcher, Ticker ticker) {
        this.settings = settings;
        this.workspace = workspace;
        this.launcher = launcher;
        this.memoryPerWorker = memoryPerWorker;
        Readiness readiness = new Readiness(settings.ready().window().toNanos(), settings.ready().tolerance());
        // with a ramp, workers start idle and the monitor raises their load
        this.pool = new WorkerPool(specs(RunMonitor.initialLoad(settings.cpu().load(), settings.run().ramp())), launcher, ticker);
        pool.attach(workspace);
        boolean burnersOnly = settings.cpu().enabled() && !settings.files().enabled() && memoryPerWorker == 0;
        this.monitor = new RunMonitor(pool, readiness, settings.cpu().load(), settings.run().ramp(),
                settings.run().injectFault(), burnersOnly, kiln.util.ProcessCpu::nanos, ticker);
    }

    /** The real launcher for these settings: worker JVMs sized for the churn ring and the memory share. */
    public static WorkerLauncher jvmLauncher(Settings settings, Workspace workspace, long memoryPerWorker) {
        return new JvmWorkerLauncher(workerHeapBytes(settings), memoryPerWorker, settings.workers().pin(),
                workspace.classData().orElse(null));
    }

    private static long workerHeapBytes(Settings settings) {
        // the churn ring holds 8 bytes per kept file, on top of the base heap
        return settings.workers().heapBytes() + (settings.files().enabled() ? settings.files().maxFiles() * 8 : 0);
    }

    /**
     * What one worker JVM may take besides the memory stressor's buffer: its whole heap plus
     * {@link JvmWorkerLauncher#NON_HEAP_BYTES} (code, metaspace, stacks, malloc: measured below it).
     */
    public static long workerFootprintBytes(Settings settings) {
        return workerHeapBytes(settings) + JvmWorkerLauncher.NON_HEAP_BYTES;
    }

    /** The free-inode floor as a count on the file system of the run's directory: 0 where it counts no inodes. */
    static long inodeFloor(Settings.Files f) {
        try {
            return f.minFreeInodes().on(kiln.workspace.Inodes.read(f.dir()).total());
        } catch (java.io.IOException e) {
            // checked at start (RunSession): unreadable now, the workers hold the count they can read
            return f.minFreeInodes().percent() > 0 ? 0 : f.minFreeInodes().count();
        }
    }

    private List<WorkerSpec> specs(int cpuLoad) {
        Settings.Files f = settings.files();
        Settings.Cpu c = settings.cpu();
        var files = new WorkerSpec.Files(f.enabled(), f.sizeBytes(), f.inFlight(), f.threads(), f.maxFiles(), f.minFreeBytes(),
                f.fsync(), f.verify(), settings.workers().count(), f.enabled() ? inodeFloor(f) : 0);
        var cpu = new WorkerSpec.Cpu(c.enabled(), cpuLoad, c.method(), c.threads());
        WorkerSpec.Parent parent = WorkerSpec.Parent.current();
        var memory = new WorkerSpec.Memory(String.join(",", settings.memory().patterns()), settings.memory().bitFade().toMillis());
        List<WorkerSpec> specs = new ArrayList<>();
        for (int i = 0; i < settings.workers().count(); i++) {
            specs.add(new WorkerSpec(i, workspace.dir().resolve(Layout.workerDir(i, 0)).toString(), files, cpu, memoryPerWorker,
                    parent, memory));
        }
        return specs;
    }

    /** Starts the workers and the clock of ramp and fault. */
    public void start() {
        pool.start();
    }

    /** Waits until every worker reported or gave up, or until {@code abandon}; true when at least one runs. Then the run begins. */
    public boolean awaitStarted(Duration timeout, java.util.function.BooleanSupplier abandon) throws InterruptedException {
        boolean any = pool.awaitStarted(timeout, abandon);
        pool.release(); // even with none running yet: a worker that reports in late starts at once
        if (any) {
            monitor.begin();
        }
        return any;
    }

    public WorkerPool pool() {
        return pool;
    }

    public RunMonitor monitor() {
        return monitor;
    }

    public Settings settings() {
        return settings;
    }

    public long memoryPerWorker() {
        return memoryPerWorker;
    }

    /** Stops the workers (polite, then firm) and sweeps what dead lives left. Idempotent. */
    @Override
    public void close() {
        if (pool.stop(WorkerPool.STOP_GRACE)) {
            launcher.runEnded();
        }
    }
}
