package kiln.supervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kiln.link.Message;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.util.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker position: the current life (process, pipes, latest stats) and what earlier lives
 * did. Restarts a dead worker with exponential backoff and gives up on one that crash-loops.
 * Totals never go backwards: an ended life's counters are folded into the base. Thread-safe.
 */
final class WorkerSlot {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSlot.class);
    private static final int STDERR_TAIL = 20;

    private final int id;
    private final WorkerSpec baseSpec;
    private final WorkerLauncher launcher;
    private final Ticker ticker;

    private WorkerState state = WorkerState.STOPPED;
    private WorkerLife life;
    /** Whether the common start was given: every life from then on starts its stressors at once. */
    private boolean released;
    /** The file path the worker reported in its hello: native, nio or none; null before one reported. */
    private volatile kiln.link.IoPath fileIo;
    private int lives;
    private WorkerStats base = WorkerStats.zero();
    private long restarts;
    /** Times this worker went silent while running, stopped or hung: each one means the run is not clean. */
    private long stalls;
    /** Times it went silent because the host gave it no CPU (runnable, waiting): not held against the machine. */
    private long starved;
    private long stalledSince;
    /** Why the current silence is: set when it turns into a stall. */
    private Scheduling.Cause stallCause;
    /** The scheduler's reading of the silent worker half-way to a stall, and at the stall. */
    private Scheduling.Snapshot silentAt;
    private Scheduling.Snapshot stalledAt;
    /** Reads the scheduler's view of a process (normally /proc): how a silence is told starved from stopped or hung. */
    private final java.util.function.LongFunction<Scheduling.Snapshot> scheduling;
    /** No stats frame for this long (16 reporting periods): the worker is stalled. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** Stalled this long: it is killed and restarted, as if it had died. */
    static final long STALL_KILL_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** How long a life may take to send its first frame (the run's start wait); unlimited until the pool says. */
    private long startTimeoutNanos = Long.MAX_VALUE;
    /** Lives that never reported in within {@link #startTimeoutNanos}: killed and restarted, and the run is not clean. */
    private long hungAtStart;
    private long malformedFrames;
    private long restartAt;
    private final RestartPolicy restartPolicy = new RestartPolicy();
    private final LineTail stderrTail = new LineTail(STDERR_TAIL);
    private final List<DeadLife> deadLives = new ArrayList<>();
    private long firstFrameMillis = -1;
    /** The cpus the worker said it runs on. */
    private volatile String cpus = "?";
    private final VerifyErrorLog verifyErrors;
    private final java.util.function.Supplier<CrossCoreCheck> crossCore;
    /** What the current life says reaches the slot here; an ended life's late frames are told apart by {@code from}. */
    private final WorkerLife.Listener hears = new WorkerLife.Listener() {
        @Override
        public void onMessage(WorkerLife from, Message.FromWorker m) {
            WorkerSlot.this.onMessage(from, m);
        }

        @Override
        public void onStderr(String line) {
            stderrTail.add(line);
        }
    };

    WorkerSlot(int id, WorkerSpec spec, WorkerLauncher launcher, Ticker ticker, VerifyErrorLog verifyErrors,
               java.util.function.Supplier<CrossCoreCheck> crossCore) {
        this(id, spec, launcher, ticker, verifyErrors, crossCore, pid -> Scheduling.read(Path.of("/proc"), pid));
    }

    WorkerSlot(int id, WorkerSpec spec, WorkerLauncher launcher, Ticker ticker, VerifyErrorLog verifyErrors,
               java.util.function.Supplier<CrossCoreCheck> crossCore, java.util.function.LongFunction<Scheduling.Snapshot> scheduling) {
        this.scheduling = scheduling;
        this.verifyErrors = verifyErrors;
        this.crossCore = crossCore;
        this.id = id;
        this.baseSpec = spec;
        this.launcher = launcher;
        this.ticker = ticker;
    }

    int id() {
        return id;
    }

    synchronized WorkerState state() {
        return state;
    }

    /** Counters of all lives plus the gauges of the current one. */
    synchronized WorkerStats totals() {
        return life == null ? base : base.plus(life.latest);
    }

    synchronized long restarts() {
        return restarts;
    }

    synchronized long malformedFrames() {
        return malformedFrames + (life == null ? 0 : life.reader.malformed());
    }

    /** Milliseconds from the first launch to its first stats frame, -1 before it came. */
    synchronized long firstFrameMillis() {
        return firstFrameMillis;
    }

    List<String> stderrTail() {
        return stderrTail.lines();
    }

    kiln.link.IoPath fileIo() {
        return fileIo;
    }

    /** Directories of lives that ended without cleaning up, to be swept at the end. */
    synchronized List<DeadLife> deadLives() {
        return List.copyOf(deadLives);
    }

    /** Counts the files of a dead life, swept by the supervisor, as deleted (see {@link WorkerStats#plusSwept}). */
    synchronized void swept(DeadLife dead, long n) {
        base = base.plusSwept(n, dead.keptAtDeath());
    }

    /** A life that ended without cleaning up: its directory and the files its last stats frame said it kept. */
    record DeadLife(Path dir, long keptAtDeath) {
    }

    synchronized Long pid() {
        return life == null ? null : life.process.pid();
    }

    /** Starts a new life. */
    synchronized void launch() {
        String dir = Path.of(baseSpec.dir()).resolveSibling(kiln.workspace.Layout.workerDir(id, lives)).toString();
        WorkerSpec spec = baseSpec.withDir(dir);
        lives++;
        state = WorkerState.STARTING;
        silentAt = null;
        try {
            life = new WorkerLife(id, launcher.launch(id), Path.of(dir), ticker.nanoTime(), hears);
        } catch (IOException e) {
            LOG.error("w{}: cannot start worker process: {}", id, e.toString());
            life = null;
            died(-1);
            return;
        }
        life.start(spec);
    }

    /** Called about ten times a second by the pool: notices deaths and restarts when due. */
    synchronized void tick() {
        long now = ticker.nanoTime();
        if (life != null && !life.process.isAlive() && (life.readerDone || now - life.deathSeen(now) > TimeUnit.SECONDS.toNanos(2))) {
            int code = life.process.exitValue();
            if (state == WorkerState.STOPPING || state == WorkerState.STOPPED) {
                endLife(code == 0 && life.byeSeen);
                state = WorkerState.STOPPED;
            } else {
                endLife(false);
                died(code);
            }
        }
        if (state == WorkerState.BACKOFF && now - restartAt >= 0) {
            restarts++;
            launch();
        }
        watchForStall(now);
    }

    /**
     * A running worker whose frames stop is stalled; one that stays stalled is killed (and so
     * restarted). A life that has not reported in within the start wait is hung at start: killed
     * at once, since it has already had as long as the run gives every worker to start.
     */
    private void watchForStall(long now) {
        if (life == null || !life.process.isAlive() || life.killed) {
            return;
        }
        if (state == WorkerState.STARTING && now - life.startedNanos > startTimeoutNanos) {
            hungAtStart++;
            life.killed = true;
            LOG.error("w{}: worker {} has not reported in {} s after its launch (hung, or starved of CPU or memory): killing it",
                    id, life.process.pid(), TimeUnit.NANOSECONDS.toSeconds(now - life.startedNanos));
            life.process.destroyForcibly(); // noticed as a death on a next tick, then restarted with back-off
            return;
        }
        long silent = now - life.lastFrameNanos;
        if (state == WorkerState.RUNNING && silent > STALL_NANOS / 2 && silentAt == null) {
            // the reading the stall is judged against: reading /proc is cheap, and only a silent worker's is read
            silentAt = scheduling.apply(life.process.pid());
        }
        if (state == WorkerState.RUNNING && silent > STALL_NANOS) {
            state = WorkerState.STALLED;
            stalledSince = life.lastFrameNanos;
            stalledAt = scheduling.apply(life.process.pid());
            stallCause = Scheduling.classify(silentAt, stalledAt);
            LOG.debug("w{}: scheduling {} -> {}", id, silentAt, stalledAt);
            if (stallCause == Scheduling.Cause.STARVED) {
                starved++;
                LOG.warn("w{}: no stats from worker {} for {} ms: it is {}; not counted as a stall",
                        id, life.process.pid(), TimeUnit.NANOSECONDS.toMillis(silent), stallCause.words);
            } else {
                stalls++;
                LOG.warn("w{}: STALLED: no stats from worker {} for {} ms ({}); killed if silent for {} s",
                        id, life.process.pid(), TimeUnit.NANOSECONDS.toMillis(silent), stallCause.words,
                        TimeUnit.NANOSECONDS.toSeconds(STALL_KILL_NANOS));
            }
        } else if (state == WorkerState.STALLED && silent > STALL_KILL_NANOS) {
            if (stallCause == Scheduling.Cause.STARVED) {
                Scheduling.Cause now2 = Scheduling.classify(stalledAt, scheduling.apply(life.process.pid()));
                if (now2 == Scheduling.Cause.STARVED) {
                    return; // killing it would not give it a CPU: it reports once the host lets it run
                }
                stallCause = now2;
                stalls++; // starved no more, and still silent: stopped or hung after all
            }
            LOG.error("w{}: worker {} silent for {} s ({}): killing it", id, life.process.pid(), TimeUnit.NANOSECONDS.toSeconds(silent),
                    stallCause.words);
            life.process.destroyForcibly(); // noticed as a death on a next tick, then restarted with back-off
        }
    }

    synchronized long stalls() {
        return stalls;
    }

    /** Times this worker was silent because the host starved it of CPU: not stalls. */
    synchronized long starved() {
        return starved;
    }

    synchronized long hungAtStart() {
        return hungAtStart;
    }

    /** From now on, a life that sends no frame within {@code nanos} of its launch is hung at start. */
    synchronized void startTimeout(long nanos) {
        startTimeoutNanos = nanos;
    }

    private void endLife(boolean clean) {
        base = base.plus(life.latest.countersOnly()).countersOnly();
        malformedFrames += life.reader.malformed();
        if (!clean || life.filesLeft > 0) {
            deadLives.add(new DeadLife(life.dir, life.latest.files().kept()));
        }
        life = null;
    }

    private void died(int code) {
        long now = ticker.nanoTime();
        long delay = restartPolicy.died(now);
        if (delay < 0) {
            state = WorkerState.FAILED;
            LOG.error("w{}: worker died {} times within {}s (last exit status {}); giving up on it. Last stderr lines:\n  {}",
                    id, restartPolicy.recentDeaths(), TimeUnit.NANOSECONDS.toSeconds(RestartPolicy.CRASH_LOOP_WINDOW_NANOS), code,
                    String.join("\n  ", stderrTail.lines()));
            return;
        }
        restartAt = now + delay;
        state = WorkerState.BACKOFF;
        LOG.warn("w{}: worker died (exit status {}); restarting in {} ms", id, code, TimeUnit.NANOSECONDS.toMillis(delay));
    }

    /** The common start: this worker's stressors may run (now, or as soon as a life reports in). */
    synchronized void release() {
        released = true;
        if (life != null && state == WorkerState.RUNNING) {
            life.send(new Message.Go());
        }
    }

    /** Asks the worker to stop and clean up; it closes its own stdin afterwards. */
    synchronized void requestStop() {
        if (state == WorkerState.FAILED || state == WorkerState.STOPPED) {
            state = state == WorkerState.FAILED ? WorkerState.FAILED : WorkerState.STOPPED;
            return;
        }
        state = WorkerState.STOPPING;
        if (life != null) {
            life.send(new Message.Stop());
            life.closeStdin();
        }
    }

    /** Sends a command to the running worker, if any. */
    synchronized boolean send(Message.ToWorker frame) {
        if (life != null && state == WorkerState.RUNNING) {
            life.send(frame);
            return true;
        }
        return false;
    }

    synchronized boolean exited() {
        return life == null || !life.process.isAlive();
    }

    /** SIGTERM, then SIGKILL: for a worker that did not stop when asked. */
    void terminate(boolean force) {
        WorkerProcess p;
        synchronized (this) {
            p = life == null ? null : life.process;
        }
        if (p != null && p.isAlive()) {
            LOG.warn("w{}: worker {} did not stop in time; sending {}", id, p.pid(), force ? "SIGKILL" : "SIGTERM");
            if (force) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        }
    }

    private synchronized void onMessage(WorkerLife from, Message.FromWorker m) {
        if (from != life) {
            return;
        }
        if (m instanceof WorkerStats stats) {
            from.latest = stats;
            from.lastFrameNanos = ticker.nanoTime();
            silentAt = null;
            if (state == WorkerState.STALLED) {
                state = WorkerState.RUNNING;
                LOG.warn("w{}: worker reports again after {} ms of silence", id,
                        TimeUnit.NANOSECONDS.toMillis(from.lastFrameNanos - stalledSince));
            }
            if (state == WorkerState.STARTING) {
                state = WorkerState.RUNNING;
                if (released) {
                    from.send(new Message.Go()); // a life started after the common start goes at once
                }
                if (firstFrameMillis < 0) {
                    firstFrameMillis = TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - from.startedNanos);
                }
            }
        } else if (m instanceof Message.Bye bye) {
            from.byeSeen = true;
            from.filesLeft = bye.filesLeft();
        } else if (m instanceof Message.Hello hello) {
            fileIo = hello.io();
            cpus = hello.cpus().isEmpty() ? cpus : hello.cpus();
        } else if (m instanceof Message.Digest digest) {
            crossCore.get().record(id, cpus, digest.batch(), digest.value());
        } else if (m instanceof Message.Mismatch x) {
            verifyErrors.add(new VerifyErrorLog.Entry(id, cpus, x.stressor(), x.method(), x.expected(), x.actual(), x.where(), x.atMillis(),
                    x.cpu(), x.detail()));
        }
        // Unknown: a newer worker's message, nothing to do
    }

    String cpus() {
        return cpus;
    }
}
