package kiln.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kiln.config.Settings;
import kiln.http.HttpApi;
import kiln.http.Json;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.metrics.KilnMetrics;
import kiln.sampler.HardwareSampler;
import kiln.supervisor.JvmWorkerLauncher;
import kiln.supervisor.WorkerPool;
import kiln.supervisor.WorkerView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code kiln run}: prepares the directory, starts sampler, workers and HTTP, shows progress
 * until the duration is over or a signal arrives, then stops everything, removes what it created,
 * reports and returns the exit code. The composition root: every service is made and closed here.
 */
final class RunSession {
    private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Settings settings;
    private final PrintWriter out;
    private final boolean tty;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    RunSession(Settings settings, PrintWriter out, boolean tty) {
        this.settings = settings;
        this.out = out;
        this.tty = tty;
    }

    /** Thrown when the stress cannot run at all: exit 3 with the message. */
    static final class CannotRun extends Exception {
        CannotRun(String message) {
            super(message);
        }
    }

    int run() {
        Thread hook = new Thread(this::onSignal, "kiln-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return stress();
        } catch (CannotRun e) {
            System.err.println("kiln: " + e.getMessage());
            return Main.EXIT_CANNOT_RUN;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and waits for 'finished'
            }
        }
    }

    /** SIGTERM or Ctrl-C: let the main thread stop and clean up, and wait for it. */
    private void onSignal() {
        stopSignal.countDown();
        try {
            finished.await(WorkerPool.STOP_GRACE.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int stress() throws CannotRun {
        Settings.Files f = settings.files();
        boolean createdDir = f.enabled() && prepareDirectory(f.dir());
        HardwareSampler sampler = new HardwareSampler(f.dir(), settings.sampler().interval());
        WorkerPool pool = new WorkerPool(specs(), launcher(), System::nanoTime);
        KilnMetrics metrics;
        HttpApi http;
        try {
            sampler.start();
            metrics = new KilnMetrics(pool, sampler, Main.version());
            http = startHttp(metrics, pool);
        } catch (CannotRun e) {
            sampler.close();
            removeIfEmpty(f.dir(), createdDir);
            throw e;
        }
        long started = System.nanoTime();
        Console console = new Console(out, tty, settings.run().duration(), pool, sampler, metrics);
        int code;
        try {
            pool.start();
            if (!pool.awaitStarted(START_TIMEOUT)) {
                pool.stop(WorkerPool.STOP_GRACE);
                throw new CannotRun("no worker started within " + START_TIMEOUT.toSeconds() + "s; see the worker log above");
            }
            sampler.resetAverage();
            out.printf("kiln %s: %d workers%s, metrics at http://%s:%d/metrics%n", Main.version(), pool.size(),
                    describe(), settings.http().host(), http.port());
            out.flush();
            started = System.nanoTime();
            waitForEnd(console, pool, started);
            console.finishLine();
            out.println("stopping: workers are removing their files…");
            out.flush();
            // the stress ends here: cleanup time is not stress time, and would understate every rate
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            double measuredLoad = sampler.averageCpuLoad();
            pool.stop(WorkerPool.STOP_GRACE);
            Report report = new Report(settings, pool.workers(), pool.totals(), elapsed, measuredLoad, pool.restarts());
            code = finish(report);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.stop(WorkerPool.STOP_GRACE);
            code = Main.EXIT_CANNOT_RUN;
        } finally {
            pool.stop(WorkerPool.STOP_GRACE);
            http.close();
            sampler.close();
            if (f.enabled()) {
                removeIfEmpty(f.dir(), createdDir);
            }
        }
        return code;
    }

    private void waitForEnd(Console console, WorkerPool pool, long started) throws InterruptedException {
        long end = started + settings.run().duration().toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (stopSignal.await(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
                console.finishLine();
                out.println("signal received: stopping early");
                return;
            }
            if (pool.workers().stream().allMatch(w -> w.state().equals("failed"))) {
                console.finishLine();
                out.println("every worker has failed: stopping");
                return;
            }
            console.update(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private int finish(Report report) {
        new Summary(out).print(report);
        if (settings.run().report() != null) {
            try {
                Path p = settings.run().report();
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                Files.writeString(p, Json.pretty(report.toMap()) + "\n");
                out.println("report: " + p);
            } catch (IOException e) {
                System.err.println("kiln: cannot write the report " + settings.run().report() + ": " + e.getMessage());
            }
        }
        out.flush();
        if (report.verifyErrors() > 0) {
            return Main.EXIT_VERIFY_FAILED;
        }
        if (report.failedWorkers() > 0) {
            System.err.println("kiln: " + report.failedWorkers() + " worker(s) crash-looped and were given up on");
            return Main.EXIT_CANNOT_RUN;
        }
        return Main.EXIT_OK;
    }

    private String describe() {
        List<String> parts = new ArrayList<>();
        if (settings.files().enabled()) {
            parts.add("files in " + settings.files().dir());
        }
        if (settings.cpu().enabled()) {
            parts.add("cpu " + settings.cpu().method() + " at " + settings.cpu().load() + "%");
        }
        return parts.isEmpty() ? " (no stressor enabled)" : " (" + String.join(", ", parts) + ")";
    }

    private HttpApi startHttp(KilnMetrics metrics, WorkerPool pool) throws CannotRun {
        try {
            HttpApi http = new HttpApi(settings.http().host(), settings.http().port(), metrics::scrape,
                    KilnMetrics::contentType, () -> status(pool, metrics));
            http.start();
            return http;
        } catch (IOException | RuntimeException e) {
            throw new CannotRun("cannot listen on " + settings.http().host() + ":" + settings.http().port() + " ("
                    + e.getMessage() + "); choose another port with --metrics-port (0 = any free port)");
        }
    }

    private String status(WorkerPool pool, KilnMetrics metrics) {
        WorkerStats t = pool.totals();
        List<Map<String, Object>> workers = new ArrayList<>();
        List<Long> firstFrames = pool.firstFrameMillis();
        for (WorkerView w : pool.workers()) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", w.id());
            m.put("state", w.state());
            m.put("pid", w.pid() == null ? -1 : w.pid());
            m.put("restarts", w.restarts());
            m.put("files_created", w.totals().filesCreated());
            m.put("first_stats_ms", firstFrames.get(w.id()));
            workers.add(m);
        }
        return Json.object(Map.of("state", "running", "workers", workers,
                "files_per_second", Math.round(metrics.filesPerSecond()), "files_created", t.filesCreated(),
                "verify_errors", WorkerStats.total(t.verifyErrors()),
                "verdict_so_far", WorkerStats.total(t.verifyErrors()) > 0 ? "fail" : "pass"));
    }

    private List<WorkerSpec> specs() {
        Settings.Files f = settings.files();
        Settings.Cpu c = settings.cpu();
        long parentStart = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        List<WorkerSpec> specs = new ArrayList<>();
        for (int i = 0; i < settings.workers().count(); i++) {
            specs.add(new WorkerSpec(i, f.dir().resolve("w" + i).toString(), f.enabled(), f.sizeBytes(), f.inFlight(),
                    f.threads(), f.maxFiles(), f.minFreeBytes(), f.fsync(), c.enabled(), c.load(), c.method(), c.threads(),
                    ProcessHandle.current().pid(), parentStart));
        }
        return specs;
    }

    private JvmWorkerLauncher launcher() {
        // the churn ring holds 8 bytes per kept file, on top of the base heap
        long heap = settings.workers().heapBytes() + (settings.files().enabled() ? settings.files().maxFiles() * 8 : 0);
        return new JvmWorkerLauncher(heap, settings.workers().pin());
    }

    /**
     * Creates the directory if needed and proves it writable.
     *
     * @return whether this run created it (and so may remove it when empty)
     */
    static boolean prepareDirectory(Path dir) throws CannotRun {
        boolean created = false;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CannotRun("cannot use " + dir + ": it exists and is not a directory");
        }
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir);
                created = true;
            } catch (IOException e) {
                throw new CannotRun("cannot create " + dir + ": " + reason(e));
            }
        }
        Path probe = dir.resolve(".kiln-probe-" + ProcessHandle.current().pid());
        try {
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
        } catch (IOException e) {
            removeIfEmpty(dir, created);
            throw new CannotRun("cannot write in " + dir + ": " + reason(e));
        }
        return created;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (m != null && m.contains("Read-only file system")) {
            return "read-only file system";
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static void removeIfEmpty(Path dir, boolean created) {
        if (!created) {
            return;
        }
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.deleteIfExists(dir);
            } else {
                LOG.warn("leaving {}: it is not empty", dir);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.toString());
        }
    }
}
