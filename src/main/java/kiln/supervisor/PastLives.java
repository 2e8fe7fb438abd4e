package kiln.supervisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kiln.link.WorkerStats;

/**
 * What the ended lives of one worker position did: their counters, folded so that totals never go
 * backwards, their malformed frames, and the directories of those that ended without cleaning up.
 * Not thread-safe: guarded by the slot's monitor.
 */
final class PastLives {
    private WorkerStats base = WorkerStats.zero();
    private long malformedFrames;
    private final List<DeadLife> deadLives = new ArrayList<>();

    /** A life that ended without cleaning up: its directory and the files its last stats frame said it kept. */
    record DeadLife(Path dir, long keptAtDeath) {
    }

    /** Folds an ended life in; {@code clean}: it stopped when asked and said it removed its files. */
    void ended(WorkerLife life, boolean clean) {
        base = base.plus(life.latest.countersOnly()).countersOnly();
        malformedFrames += life.reader.malformed();
        if (!clean || life.filesLeft > 0) {
            deadLives.add(new DeadLife(life.dir, life.latest.files().kept()));
        }
    }

    /** Counters of every life plus the gauges of {@code current} (null: none). */
    WorkerStats totals(WorkerLife current) {
        return current == null ? base : base.plus(current.latest);
    }

    long malformedFrames(WorkerLife current) {
        return malformedFrames + (current == null ? 0 : current.reader.malformed());
    }

    List<DeadLife> deadLives() {
        return List.copyOf(deadLives);
    }

    /** Counts the files of a dead life, swept by the supervisor, as deleted (see {@link WorkerStats#plusSwept}). */
    void swept(DeadLife dead, long n) {
        base = base.plusSwept(n, dead.keptAtDeath());
    }
}
