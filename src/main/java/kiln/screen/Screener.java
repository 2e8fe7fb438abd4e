package kiln.screen;

import kiln.link.Outcome;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import kiln.config.Settings;
import kiln.report.Verdict;
import kiln.sampler.HostSample;
import kiln.util.Threads;
import kiln.util.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's screening that never stops: between runs, a few cores at a time get a short burst
 * of every CPU method and a small memory check ({@link CoreScreen}), when {@link ScreenSchedule}
 * says so, and the state is kept beside the run reports ({@link ScreenStore}). A run always wins:
 * {@link #pauseForRun} stops a screen in progress and holds the next until {@link #runEnded}.
 * Thread-safe: one screening thread; HTTP, sampler and run threads call in.
 */
public final class Screener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Screener.class);
    /** The CPU a worker JVM takes to start and compile, for the window estimate said at start. */
    static final java.time.Duration WORKER_START_CPU = java.time.Duration.ofMillis(700);
    private static final long IDLE_WAIT_MILLIS = 1000;
    private static final long PAUSE_WAIT_MILLIS = 30_000;
    /** How long a run waits for a screen to stop (tests shorten it). */
    long pauseWaitMillis = PAUSE_WAIT_MILLIS;

    private final Settings.Screen settings;
    private final int logicalCores;
    private final List<Integer> cpus;
    private final ScreenRunner runner;
    private final ScreenStore store;
    private final ScreenSchedule schedule;
    private final ScreenState state;
    private final String warning;
    /** A CPU quota below a screen's cores, said at start and in the status; null when none. */
    volatile String quotaWarning;
    private final Object lock = new Object();
    private final ScreenResults results = new ScreenResults();
    private Thread thread;
    private boolean closed;
    private boolean runActive;
    /** The cores being screened now, or null. */
    private volatile List<Integer> screening;
    private String waiting = "starting";
    private volatile double busyPercent = Double.NaN;
    /** Whether a run holds the machine (its workers started or starting). */
    private final java.util.function.BooleanSupplier runInProgress;

    /** Screens cpus 0 to {@code logicalCores - 1}, with no run ever in progress: for tests. */
    Screener(Settings.Screen settings, int logicalCores, ScreenRunner runner, ScreenStore store, Ticker ticker) {
        this(settings, java.util.stream.IntStream.range(0, logicalCores).boxed().toList(), runner, store, ticker, () -> false);
    }

    /** @param cpus the cpus to screen, by kernel number ({@link ScreenCpus#mine}) */
    Screener(Settings.Screen settings, List<Integer> cpus, ScreenRunner runner, ScreenStore store, Ticker ticker,
             java.util.function.BooleanSupplier runInProgress) {
        int logicalCores = cpus.size();
        this.cpus = List.copyOf(cpus);
        this.runInProgress = runInProgress;
        this.settings = settings;
        this.logicalCores = logicalCores;
        this.runner = runner;
        this.store = store;
        long now = System.currentTimeMillis();
        this.state = store == null ? null : store.load(cpus, now);
        this.schedule = new ScreenSchedule(settings, logicalCores, ticker, now);
        this.warning = ScreenSchedule.tooSlow(settings, logicalCores, kiln.link.Catalog.cpuMethods().size(), WORKER_START_CPU)
                .orElse(null);
    }

    /** Whether this screener screens at all. */
    public boolean enabled() {
        return runner != null;
    }

    /** Called with every screen's result, on the screening thread (the per-core failure ledger's hook). */
    public void onResult(Consumer<ScreenResult> listener) {
        results.onResult(listener);
    }

    /** Starts screening (when enabled). */
    public void start() {
        if (!enabled()) {
            return;
        }
        if (warning != null) {
            LOG.warn("{}", warning);
        }
        if (quotaWarning != null) {
            LOG.warn("{}", quotaWarning);
        }
        LOG.info("screening {} of {} cores (cpu {}) at a time, every core within {}, at most {}% of the machine's CPU",
                settings.coresAtOnce(), logicalCores, cpus, kiln.config.Durations.format(settings.window()), ScreenSchedule.plain(settings.limits().dutyPercent()));
        thread = Threads.daemon("kiln-screen", this::loop);
        thread.start();
    }

    /** The sampler's reading: the machine's CPU busy share decides whether a screen may start or go on. */
    public void onSample(HostSample sample) {
        busyPercent = sample == null ? Double.NaN : sample.cpu().load() * 100;
    }

    private void loop() {
        while (true) {
            List<Integer> cores;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                ScreenSchedule.Decision d = schedule.decide(state, busyPercent, runActive || runInProgress.getAsBoolean());
                waiting = d.waiting();
                if (!d.go()) {
                    try {
                        lock.wait(IDLE_WAIT_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                cores = d.cores();
                screening = cores;
            }
            screenOnce(cores);
        }
    }

    private void screenOnce(List<Integer> cores) {
        long start = schedule.nanoTime();
        ScreenResult r;
        boolean failed = false;
        try {
            r = runner.screen(cores, this::stopBecause);
            // not complete and nothing stopped it: no worker started (or every one died), however much its starts cost
            failed = !r.complete() && stopBecause() == null;
        } catch (InterruptedException e) {
            synchronized (lock) {
                screening = null;
                lock.notifyAll();
            }
            return;
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("screen of cpu {} failed to run: {}", cores, e.toString(), e);
            r = new ScreenResult(cores, System.currentTimeMillis(), System.currentTimeMillis(), new Verdict(Outcome.INCONCLUSIVE,
                    List.of("the screen could not run: " + e)), List.of(), java.util.Set.of(), 0, false);
        }
        Map<String, Object> kept;
        synchronized (lock) {
            state.record(r);
            schedule.ended(state, start, schedule.nanoTime(), r.cpuNanos());
            if (failed) {
                schedule.backOff(schedule.nanoTime(), kiln.link.Catalog.cpuMethods().size(), WORKER_START_CPU);
            }
            screening = null;
            kept = state.toMap();
            lock.notifyAll();
        }
        store.save(kept);
        results.announce(cores, r);
    }

    /** Why the screen in progress must stop now, or null. */
    private String stopBecause() {
        synchronized (lock) {
            if (closed) {
                return "the daemon is stopping";
            }
            if (runActive || runInProgress.getAsBoolean()) {
                return "a run started";
            }
        }
        double own = screening == null ? 0 : 100.0 * screening.size() / logicalCores;
        double rest = busyPercent - own;
        if (rest > settings.limits().maxLoadPercent()) {
            return String.format(Locale.ROOT, "the host got busy (%.0f%% of its CPU besides the screen)", rest);
        }
        return null;
    }

    /**
     * A run is about to start: no screen starts from now on, and one in progress is stopped; returns
     * once it has (its workers gone), or after 30 s with why the run must not start: two sets of
     * pinned workers would share the cores. Any thread.
     *
     * @return null when the run may start, else why not (the caller still calls {@link #resume})
     */
    public String pauseForRun() {
        synchronized (lock) {
            runActive = true;
            lock.notifyAll();
            long deadline = System.currentTimeMillis() + pauseWaitMillis;
            while (screening != null && !closed) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    String why = "the screen of cpu " + screening + " has not stopped within " + pauseWaitMillis / 1000
                            + " s; a run beside it would share its cores: try again later";
                    LOG.error("run refused: {}", why);
                    return why;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted while the screen of cpu " + screening + " stopped";
                }
            }
            return null;
        }
    }

    /** The daemon's second signal: the workers of a screen in progress are killed now. */
    public void kill() {
        if (runner != null) {
            runner.kill();
        }
    }

    /**
     * The run asked for has started (its work holds screens off while it lasts) or was refused:
     * screening may go on once no run is in progress.
     */
    public void resume() {
        synchronized (lock) {
            runActive = false;
            lock.notifyAll();
        }
    }

    /** For {@code GET /api/v1/status}: what screening is doing, each core's last screen, the last result and the last failure. */
    public Map<String, Object> status() {
        if (!enabled()) {
            return Map.of("state", "off");
        }
        Map<String, Object> m;
        synchronized (lock) {
            m = ScreenStatus.of(state, screening, waiting, state.nextCores(settings.coresAtOnce()),
                    Math.max(schedule.notBeforeMillis(), System.currentTimeMillis()), settings);
        }
        String problem = store.problem();
        if (problem != null) {
            m.put("problem", problem);
        }
        if (warning != null || quotaWarning != null) {
            m.put("warning", warning == null ? quotaWarning : quotaWarning == null ? warning : warning + "; " + quotaWarning);
        }
        return m;
    }

    /**
     * Why screening cannot keep or could not read its state, or null: a daemon problem (status,
     * metrics, {@code /readyz}) until a save succeeds.
     */
    public String problem() {
        return enabled() ? store.problem() : null;
    }

    /** The cpus screened, by kernel number: those this process may run on that are online. */
    public List<Integer> cpus() {
        return cpus;
    }

    /** Unix seconds of the core's last complete screen, 0 when never. */
    public double lastScreenedSeconds(int cpu) {
        synchronized (lock) {
            return state.lastScreened(cpu) / 1000.0;
        }
    }

    /** Unix seconds of the last complete screen that ran the method, 0 when never. */
    public double methodLastSeconds(String method) {
        synchronized (lock) {
            return state.methodLast().getOrDefault(method, 0L) / 1000.0;
        }
    }

    /** Screens so far (kept across restarts) that ended with the outcome. */
    public long screens(Outcome o) {
        synchronized (lock) {
            return state.screens(o);
        }
    }

    /** CPU seconds the screens' workers used so far (kept across restarts). */
    public double cpuSeconds() {
        synchronized (lock) {
            return state.cpuNanos() / 1e9;
        }
    }

    /** When this node began keeping its screening state, Unix seconds: a core never screened is late from then on. */
    public double sinceSeconds() {
        return state.sinceMillis / 1000.0;
    }

    public double windowSeconds() {
        return settings.window().toSeconds();
    }

    /** 1 while a screen runs. */
    public boolean screening() {
        synchronized (lock) {
            return screening != null;
        }
    }

    /** Stops screening: a screen in progress stops (its workers gone) before this returns, within the stop grace. Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
            t = thread;
        }
        if (t != null) {
            try {
                t.join(kiln.supervisor.WorkerPool.STOP_GRACE.toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (store != null) {
            store.close();
        }
    }
}
