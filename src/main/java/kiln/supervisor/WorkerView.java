package kiln.supervisor;

import kiln.link.WorkerStats;

/**
 * What one worker has done so far, across all its lives. Immutable snapshot.
 *
 * @param id              worker number
 * @param state           where it stands now
 * @param totals          counters of all lives and gauges of the current one
 * @param restarts        times this worker was restarted
 * @param malformedFrames link lines skipped as malformed
 * @param pid             process id of the current life, or null
 * @param stalls          times it went silent while running (stopped, hung, starved)
 * @param hungAtStart     lives that never reported in within the start wait (killed and restarted)
 * @param cpus            the cpus it runs on as Linux lists them ("3" when pinned), "?" before it said
 * @param starved         times it went silent because the host gave it no CPU (runnable, waiting): not stalls
 */
public record WorkerView(int id, WorkerState state, WorkerStats totals, long restarts, long malformedFrames, Long pid,
                         long stalls, long hungAtStart, String cpus, long starved) {
    /** A worker the host never starved. */
    public WorkerView(int id, WorkerState state, WorkerStats totals, long restarts, long malformedFrames, Long pid,
                      long stalls, long hungAtStart, String cpus) {
        this(id, state, totals, restarts, malformedFrames, pid, stalls, hungAtStart, cpus, 0);
    }
}
