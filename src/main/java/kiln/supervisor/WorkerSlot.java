package kiln.supervisor;

import java.io.IOException;
import java.nio.file.Path;
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
final class WorkerSlot implements WorkerLife.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSlot.class);

    private final int id;
    private final WorkerSpec baseSpec;
    private final WorkerLauncher launcher;
    private final Ticker ticker;

    private WorkerState state = WorkerState.STOPPED;
    private WorkerLife life;
    /** Whether the common start was given: every life from then on starts its stressors at once. */
    private boolean released;
    private int lives;
    /** A life is being forked (outside the monitor): the slot has no process yet, but is not done. */
    private boolean forking;
    private long firstFrameMillis = -1;
    private final PastLives past = new PastLives();
    private final StallWatch stallWatch;
    private final RestartPolicy restartPolicy = new RestartPolicy();
    private final WorkerNotes notes;

    WorkerSlot(int id, WorkerSpec spec, WorkerLauncher launcher, Ticker ticker, VerifyErrorLog verifyErrors,
               java.util.function.Supplier<CrossCoreCheck> crossCore) {
        this.id = id;
        this.baseSpec = spec;
        this.launcher = launcher;
        this.ticker = ticker;
        this.stallWatch = new StallWatch(id, pid -> Scheduling.read(Path.of("/proc"), pid));
        this.notes = new WorkerNotes(id, verifyErrors, crossCore);
    }

    int id() {
        return id;
    }

    synchronized WorkerState state() {
        return state;
    }

    /** Counters of all lives plus the gauges of the current one. */
    synchronized WorkerStats totals() {
        return past.totals(life);
    }

    synchronized long restarts() {
        return restartPolicy.restarts();
    }

    /** What it has done so far, read at once. */
    synchronized WorkerView view() {
        return new WorkerView(id, state, past.totals(life), restartPolicy.restarts(), past.malformedFrames(life), pid(), stallWatch.stalls(),
                stallWatch.hungAtStart(), notes.cpus(), stallWatch.starved());
    }

    /** Milliseconds from the first launch to its first stats frame, -1 before it came. */
    synchronized long firstFrameMillis() {
        return firstFrameMillis;
    }

    kiln.link.IoPath fileIo() {
        return notes.fileIo();
    }

    /** Directories of lives that ended without cleaning up, to be swept at the end. */
    synchronized List<PastLives.DeadLife> deadLives() {
        return past.deadLives();
    }

    /** Counts the files of a dead life, swept by the supervisor, as deleted. */
    synchronized void swept(PastLives.DeadLife dead, long n) {
        past.swept(dead, n);
    }

    synchronized Long pid() {
        return life == null ? null : life.process.pid();
    }

    /** Starts a new life. */
    void launch() {
        String dir;
        synchronized (this) {
            dir = forkDecided();
        }
        fork(dir);
    }

    /** The decision to fork, taken under the monitor: the new life's directory. */
    private String forkDecided() {
        String dir = Path.of(baseSpec.dir()).resolveSibling(kiln.workspace.Layout.workerDir(id, lives)).toString();
        lives++;
        state = WorkerState.STARTING;
        forking = true;
        stallWatch.heard();
        return dir;
    }

    /**
     * Forks the life decided on, outside the monitor (a fork of a large JVM takes milliseconds,
     * and the launcher may read files), then installs it. A stop asked for meanwhile reaches it at
     * once.
     */
    private void fork(String dir) {
        WorkerLife born;
        try {
            WorkerProcess p = launcher.launch(id);
            born = new WorkerLife(id, p, baseSpec.withDir(dir), Path.of(dir), ticker.nanoTime(), this);
        } catch (IOException e) {
            LOG.error("w{}: cannot start worker process: {}", id, e.toString());
            synchronized (this) {
                forking = false;
                if (state == WorkerState.STARTING) {
                    died(-1);
                } else {
                    state = WorkerState.STOPPED; // stopped while it was forked: nothing to stop
                }
            }
            return;
        }
        synchronized (this) {
            forking = false;
            life = born;
            if (state != WorkerState.STARTING) { // stopped while it was forked
                born.send(new Message.Stop());
                born.closeStdin();
            }
        }
        born.start();
    }

    /** Called about ten times a second by the pool: notices deaths and restarts when due. */
    void tick() {
        long now = ticker.nanoTime();
        String restart = null;
        WorkerLife watched;
        boolean wantsReading;
        synchronized (this) {
            noticeDeath(now);
            if (state == WorkerState.BACKOFF && restartPolicy.due(now)) {
                restart = forkDecided();
            }
            watched = life;
            wantsReading = stallWatch.wantsReading(state, watched, now);
        }
        if (restart != null) {
            fork(restart);
            return;
        }
        Scheduling.Snapshot reading = wantsReading ? stallWatch.read(watched) : null;
        StallWatch.Outcome outcome;
        synchronized (this) {
            if (life != watched) {
                return;
            }
            outcome = stallWatch.judge(state, watched, now, reading, wantsReading);
            if (outcome == StallWatch.Outcome.STALLED) {
                state = WorkerState.STALLED;
            }
        }
        if (outcome == StallWatch.Outcome.KILL) {
            watched.process.destroyForcibly(); // noticed as a death on a next tick, then restarted with back-off
        }
    }

    private void noticeDeath(long now) {
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
    }

    /** From now on, a life that sends no frame within {@code nanos} of its launch is hung at start. */
    synchronized void startTimeout(long nanos) {
        stallWatch.startTimeout(nanos);
    }

    private void endLife(boolean clean) {
        past.ended(life, clean);
        life.closeStdin(); // its writer thread ends
        life = null;
    }

    private void died(int code) {
        long now = ticker.nanoTime();
        long delay = restartPolicy.died(now);
        if (delay < 0) {
            state = WorkerState.FAILED;
            LOG.error("w{}: worker died {} times within {}s (last exit status {}); giving up on it. Last stderr lines:\n  {}",
                    id, restartPolicy.recentDeaths(), TimeUnit.NANOSECONDS.toSeconds(RestartPolicy.CRASH_LOOP_WINDOW_NANOS), code,
                    String.join("\n  ", notes.stderrTail()));
            return;
        }
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
        return !forking && (life == null || !life.process.isAlive());
    }

    /** SIGTERM, then SIGKILL: for a worker that did not stop when asked. */
    void terminate(boolean force) {
        WorkerLife l = life();
        if (l != null) {
            l.terminate(force);
        }
    }

    /** What the life {@code from} says, on its drain thread; an ended life's late words are told apart by {@code from}. */
    @Override
    public void onMessage(WorkerLife from, Message.FromWorker m) {
        if (m instanceof WorkerStats || m instanceof Message.Bye) {
            lifeSaid(from, m);
        } else if (from == life()) { // a late word of an ended life is not this worker's now
            notes.heard(m);
        }
    }

    @Override
    public void onStderr(String line) {
        notes.stderr(line);
    }

    private synchronized WorkerLife life() {
        return life;
    }

    private synchronized void lifeSaid(WorkerLife from, Message.FromWorker m) {
        if (from != life) {
            return;
        }
        if (m instanceof WorkerStats stats) {
            from.latest = stats;
            from.lastFrameNanos = ticker.nanoTime();
            stallWatch.heard();
            if (state == WorkerState.STALLED) {
                state = WorkerState.RUNNING;
                stallWatch.recovered(from.lastFrameNanos);
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
        }
    }
}
