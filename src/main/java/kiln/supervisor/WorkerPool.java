package kiln.supervisor;

import kiln.util.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import kiln.link.FileStats;
import kiln.link.Message;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.workspace.Workspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import kiln.util.Threads;

/**
 * The worker JVMs of one run: starts them, watches them ten times a second (restarting the dead),
 * and stops them politely, then firmly. Thread-safe; {@link #close} is idempotent.
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    /** How long a worker may take to stop and clean up after a stop command. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** Workers not all in after this long: the wait is said, not sat through in silence. */
    private static final long SLOW_START_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<WorkerSlot> slots = new ArrayList<>();
    private final VerifyErrorLog verifyErrors = new VerifyErrorLog();
    private CrossCoreCheck crossCore;
    private final ScheduledExecutorService supervision;
    private final Ticker ticker;
    private boolean stopped;
    /** Where dead lives' leftovers are swept and tampering the supervisor saw is counted; none in tests with fake workers. */
    private volatile Workspace workspace;

    /**
     * @param specs    one spec per worker (its id and directory included)
     * @param launcher starts worker processes
     */
    public WorkerPool(List<WorkerSpec> specs, WorkerLauncher launcher, Ticker ticker) {
        this.ticker = ticker;
        for (WorkerSpec spec : specs) {
            slots.add(new WorkerSlot(spec.id(), spec, launcher, ticker, verifyErrors, this::crossCore));
        }
        supervision = Executors.newSingleThreadScheduledExecutor(Threads.factory("kiln-supervise", false));
    }

    /** Sweeps dead lives' leftovers through {@code ws} and counts its tampering with the workers' own. */
    public void attach(Workspace ws) {
        this.workspace = ws;
    }

    public void start() {
        slots.forEach(WorkerSlot::launch);
        supervision.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        for (WorkerSlot s : slots) {
            try {
                s.tick();
            } catch (RuntimeException e) {
                LOG.error("w{}: supervision failed: {}", s.id(), e.toString(), e);
            }
        }
    }

    /** The file path workers reported (native, nio or none), or null before any reported. */
    public kiln.link.IoPath fileIo() {
        return slots.stream().map(WorkerSlot::fileIo).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** The comparison of the workers' cross-core digests. */
    public synchronized CrossCoreCheck crossCore() {
        if (crossCore == null) {
            crossCore = new CrossCoreCheck(slots.size(), kiln.stress.CrossCore::digestOf);
        }
        return crossCore;
    }

    /** The run's verification errors, attributed. */
    public VerifyErrorLog verifyErrors() {
        return verifyErrors;
    }

    public int size() {
        return slots.size();
    }

    /** A snapshot of every worker. */
    public List<WorkerView> workers() {
        List<WorkerView> out = new ArrayList<>(slots.size());
        for (WorkerSlot s : slots) {
            out.add(s.view());
        }
        return out;
    }

    /** Totals of one worker over its lives, without building views of the others. */
    public WorkerStats worker(int id) {
        return slots.get(id).totals();
    }

    /** Counters summed over all workers and lives. */
    public WorkerStats totals() {
        WorkerStats sum = WorkerStats.zero();
        long inFlight = 0;
        long kept = 0;
        boolean paused = false;
        for (WorkerSlot s : slots) {
            WorkerStats t = s.totals();
            sum = sum.plus(t);
            inFlight += t.files().inFlight();
            kept += t.files().kept();
            paused |= t.files().paused();
        }
        FileStats.Builder files = sum.files().toBuilder().now(inFlight, kept, paused);
        Workspace ws = workspace;
        if (ws != null && ws.tampered() > 0) {
            files.error(kiln.link.FileOp.TAMPER, ws.tampered());
        }
        return new WorkerStats(0, files.build(), sum.cpu(), sum.memoryBytes(), sum.verifyErrors(), sum.processCpuNanos(), sum.memoryPatterns());
    }

    /** Workers per state, every state present. */
    public Map<WorkerState, Integer> states() {
        Map<WorkerState, Integer> out = new EnumMap<>(WorkerState.class);
        for (WorkerState st : WorkerState.values()) {
            out.put(st, 0);
        }
        slots.forEach(s -> out.merge(s.state(), 1, Integer::sum));
        return out;
    }

    public long restarts() {
        return slots.stream().mapToLong(WorkerSlot::restarts).sum();
    }

    /**
     * Sends a command to one running worker.
     *
     * @return whether it was running to receive it
     */
    public boolean sendTo(int id, Message.ToWorker frame) {
        return id >= 0 && id < slots.size() && slots.get(id).send(frame);
    }

    /** Sends a command to every running worker. */
    public void broadcast(Message.ToWorker frame) {
        slots.forEach(s -> s.send(frame));
    }

    /**
     * Waits until every worker sent its first stats frame or gave up, or {@code abandon} says to
     * stop waiting (a stop was asked for). A worker still silent {@code timeout} after its launch,
     * now or in a later life, is hung: it is killed and restarted, and counted against the run.
     *
     * @return whether at least one worker reported in and runs (or has stalled since)
     */
    public boolean awaitStarted(Duration timeout, java.util.function.BooleanSupplier abandon) throws InterruptedException {
        slots.forEach(s -> s.startTimeout(timeout.toNanos())); // and every later life gets as long
        long begun = ticker.nanoTime();
        long deadline = begun + timeout.toNanos();
        boolean told = false;
        while (ticker.nanoTime() < deadline && !abandon.getAsBoolean()) {
            Map<WorkerState, Integer> st = states();
            if (st.get(WorkerState.RUNNING) + st.get(WorkerState.FAILED) == slots.size()) {
                break;
            }
            if (!told && ticker.nanoTime() - begun > SLOW_START_NANOS) {
                told = true; // silence here looks like a hang of kiln itself: say whom it waits for, and how long at most
                LOG.warn("waiting for {} to report in (the run starts when every worker has, or after {})",
                        String.join(", ", slots.stream()
                                .filter(sl -> sl.state() == WorkerState.STARTING || sl.state() == WorkerState.BACKOFF)
                                .map(sl -> "w" + sl.id()).toList()), kiln.config.Durations.format(timeout));
            }
            ticker.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        Map<WorkerState, Integer> st = states();
        // a stalled worker reported in before it went silent: it has started, and may report again
        return st.get(WorkerState.RUNNING) + st.get(WorkerState.STALLED) > 0;
    }

    /** The common start: every worker that reported in starts its stressors; later lives start at once. */
    public void release() {
        slots.forEach(WorkerSlot::release);
    }

    /** Milliseconds from launch to the first stats frame, per worker (-1: none yet). */
    public List<Long> firstFrameMillis() {
        return slots.stream().map(WorkerSlot::firstFrameMillis).toList();
    }

    /**
     * Stops every worker: a stop command (they clean up their files), then SIGTERM after
     * {@code grace}, then SIGKILL two seconds later; finally sweeps what dead lives left behind.
     *
     * @return true for the call that stopped them, false when already stopped
     */
    public boolean stop(Duration grace) {
        synchronized (this) {
            if (stopped) {
                return false;
            }
            stopped = true;
        }
        slots.forEach(WorkerSlot::requestStop);
        boolean all = waitExited(grace);
        if (!all) {
            slots.forEach(s -> s.terminate(false));
            all = waitExited(Duration.ofSeconds(2));
        }
        if (!all) {
            slots.forEach(s -> s.terminate(true));
            waitExited(Duration.ofSeconds(2));
        }
        Threads.shutdown(supervision, Duration.ofSeconds(1));
        // fold the final frames of each life into the totals
        long deadline = ticker.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (WorkerSlot s : slots) {
            s.tick();
            while (s.pid() != null && ticker.nanoTime() < deadline) {
                ticker.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                s.tick();
            }
        }
        sweepDeadLives();
        return true;
    }

    /** SIGKILL to every worker at once: for a forced stop. */
    public void kill() {
        slots.forEach(s -> s.terminate(true));
    }

    private boolean waitExited(Duration d) {
        long deadline = ticker.nanoTime() + d.toNanos();
        while (ticker.nanoTime() < deadline) {
            if (slots.stream().allMatch(WorkerSlot::exited)) {
                return true;
            }
            ticker.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return slots.stream().allMatch(WorkerSlot::exited);
    }

    private void sweepDeadLives() {
        Workspace ws = workspace;
        if (ws == null) {
            return;
        }
        for (WorkerSlot s : slots) {
            for (PastLives.DeadLife dead : s.deadLives()) {
                Path dir = dead.dir();
                long n = ws.sweepWorker(dir.getFileName().toString());
                if (n > 0) {
                    s.swept(dead, n);
                    LOG.info("w{}: removed {} files left by a worker that did not clean up in {}", s.id(), n, dir);
                }
            }
        }
    }

    @Override
    public void close() {
        stop(STOP_GRACE);
    }
}
