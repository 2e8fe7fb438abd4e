package kiln.stress;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import kiln.link.Message;

/**
 * One stressor as a worker runs it, made by its {@link StressorRegistry} line from the worker's
 * spec. The worker calls {@link #prepare} once, then {@link #start} at the common start, then
 * {@link #stop} once; between start and stop the reporter and command threads call the others
 * concurrently, so those must be thread-safe. Only a prepared stressor is started, asked or stopped.
 */
public interface StressorPlugin {

    /**
     * Opens directories, allocates buffers, starts nothing: everything that can fail fails here,
     * before the common start.
     *
     * @throws IOException when what it needs cannot be had (the worker then exits as unable to run)
     */
    void prepare() throws IOException;

    void start();

    /**
     * Stops, undoing what it made on disk, within {@code budget}. Idempotent.
     *
     * @return files left behind because the budget ran out (0 for a stressor that makes none)
     */
    long stop(Duration budget);

    /** The CPU share to hold now, 0-100; a stressor without a duty cycle ignores it. */
    default void setLoad(double percent) {
    }

    /**
     * Makes one result wrong, as failing hardware would, to prove the checks: asked by a fault
     * command naming this stressor. {@code offset} is where, for a stressor with a place (memory).
     */
    void injectFault(long offset);

    /**
     * A fault into a part of this stressor, for a fault command's {@code target} that is not a
     * stressor's word ({@code cross-core}, {@code cpu:fma}).
     *
     * @return what was faulted, as the log says it ("the fma cpu method"); empty when the target
     *         is none of this stressor's parts, or that part does not run here
     */
    default Optional<String> injectPartFault(kiln.link.FaultTarget target) {
        return Optional.empty();
    }

    /** Details of the wrong results found, drained a few per stats report. */
    Mismatches mismatches();

    /** Wrong results so far (exact, unlike the details). */
    long verifyErrors();

    /** Other findings for the supervisor since the last call (the cross-core digests); none by default. */
    default void drainFindings(Consumer<Message.FromWorker> out) {
    }

    /** Puts this stressor's counters into the stats frame being built. */
    void addTo(StatsParts stats);

    /** What runs, for the worker's start line ("native (2 writers)", "fma@100%"). */
    String describe();
}
