package kiln.supervisor;

import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges one worker position's silences: a running worker whose frames stop is stalled, one that
 * stays stalled is killed (and so restarted), one the host starves of CPU is neither, and a life
 * that never reports in within the start wait is hung at start. The scheduler's reading of a
 * silent process ({@code /proc}) is taken by the caller outside the slot's monitor, between
 * {@link #wantsReading} and {@link #judge}. Not thread-safe: guarded by the slot's monitor.
 */
final class StallWatch {
    private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);
    /** No stats frame for this long (16 reporting periods): the worker is stalled. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** Stalled this long: it is killed and restarted, as if it had died. */
    static final long STALL_KILL_NANOS = TimeUnit.SECONDS.toNanos(20);

    /** What the slot does after a judgement. */
    enum Outcome {
        NONE,
        /** The running worker is stalled now. */
        STALLED,
        /** Kill the life's process: noticed as a death on a next tick, then restarted with back-off. */
        KILL
    }

    private final int id;
    /** Reads the scheduler's view of a process (normally /proc): how a silence is told starved from stopped or hung. */
    private final LongFunction<Scheduling.Snapshot> scheduling;
    /** Times this worker went silent while running, stopped or hung: each one means the run is not clean. */
    private long stalls;
    /** Times it went silent because the host gave it no CPU (runnable, waiting): not held against the machine. */
    private long starved;
    /** Lives that never reported in within {@link #startTimeoutNanos}: killed and restarted, and the run is not clean. */
    private long hungAtStart;
    /** How long a life may take to send its first frame (the run's start wait); unlimited until the pool says. */
    private long startTimeoutNanos = Long.MAX_VALUE;
    private long stalledSince;
    /** Why the current silence is: set when it turns into a stall. */
    private Scheduling.Cause stallCause;
    /** The scheduler's reading of the silent worker half-way to a stall, and at the stall. */
    private Scheduling.Snapshot silentAt;
    private Scheduling.Snapshot stalledAt;

    StallWatch(int id, LongFunction<Scheduling.Snapshot> scheduling) {
        this.id = id;
        this.scheduling = scheduling;
    }

    long stalls() {
        return stalls;
    }

    long starved() {
        return starved;
    }

    long hungAtStart() {
        return hungAtStart;
    }

    void startTimeout(long nanos) {
        startTimeoutNanos = nanos;
    }

    /** A frame came (or a new life began): the silence, if any, is over. */
    void heard() {
        silentAt = null;
    }

    /** The stalled worker reports again at {@code now}. */
    void recovered(long now) {
        LOG.warn("w{}: worker reports again after {} ms of silence", id, TimeUnit.NANOSECONDS.toMillis(now - stalledSince));
    }

    /** Reads the scheduler's view of {@code life}: I/O, so never under the slot's monitor. */
    Scheduling.Snapshot read(WorkerLife life) {
        return scheduling.apply(life.process.pid());
    }

    /** Whether {@link #judge} wants a reading of the scheduler for {@code life} in {@code state} at {@code now}. */
    boolean wantsReading(WorkerState state, WorkerLife life, long now) {
        if (!watched(life)) {
            return false;
        }
        long silent = now - life.lastFrameNanos;
        return state == WorkerState.RUNNING && (silent > STALL_NANOS || silent > STALL_NANOS / 2 && silentAt == null)
                || state == WorkerState.STALLED && silent > STALL_KILL_NANOS && stallCause == Scheduling.Cause.STARVED;
    }

    private static boolean watched(WorkerLife life) {
        return life != null && life.process.isAlive() && !life.killed;
    }

    /**
     * Judges {@code life} at {@code now}, with {@code reading} taken since {@link #wantsReading}
     * said it was wanted (null when it was not). A reading wanted and not taken (a frame came or
     * the state changed in between) waits for the next tick.
     */
    Outcome judge(WorkerState state, WorkerLife life, long now, Scheduling.Snapshot reading, boolean read) {
        if (!watched(life)) {
            return Outcome.NONE;
        }
        if (state == WorkerState.STARTING && now - life.startedNanos > startTimeoutNanos) {
            hungAtStart++;
            life.killed = true;
            LOG.error("w{}: worker {} has not reported in {} s after its launch (hung, or starved of CPU or memory): killing it",
                    id, life.process.pid(), TimeUnit.NANOSECONDS.toSeconds(now - life.startedNanos));
            return Outcome.KILL;
        }
        if (wantsReading(state, life, now) && !read) {
            return Outcome.NONE;
        }
        long silent = now - life.lastFrameNanos;
        if (state == WorkerState.RUNNING && silent > STALL_NANOS / 2 && silentAt == null) {
            silentAt = reading; // the reading the stall is judged against: only a silent worker's is read
        }
        if (state == WorkerState.RUNNING && silent > STALL_NANOS) {
            stalledSince = life.lastFrameNanos;
            stalledAt = reading;
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
            return Outcome.STALLED;
        }
        if (state == WorkerState.STALLED && silent > STALL_KILL_NANOS) {
            if (stallCause == Scheduling.Cause.STARVED) {
                Scheduling.Cause now2 = Scheduling.classify(stalledAt, reading);
                if (now2 == Scheduling.Cause.STARVED) {
                    return Outcome.NONE; // killing it would not give it a CPU: it reports once the host lets it run
                }
                stallCause = now2;
                stalls++; // starved no more, and still silent: stopped or hung after all
            }
            LOG.error("w{}: worker {} silent for {} s ({}): killing it", id, life.process.pid(), TimeUnit.NANOSECONDS.toSeconds(silent),
                    stallCause.words);
            return Outcome.KILL;
        }
        return Outcome.NONE;
    }
}
