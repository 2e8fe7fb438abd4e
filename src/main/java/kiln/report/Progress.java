package kiln.report;

import java.time.Duration;
import kiln.link.WorkerStats;
import kiln.sampler.HostSample;

/**
 * What the status line shows, read at one moment, in named parts. Immutable.
 *
 * @param time    how far the run is
 * @param totals  the workers' counters, summed
 * @param host    the latest hardware reading, or null before the first
 * @param workers how many run, of how many, restarted how often
 * @param rates   what the stressors move a second
 * @param warmup  the ramp and the readiness
 */
record Progress(Time time, WorkerStats totals, HostSample host, Workers workers, Rates rates, Warmup warmup) {

    /** @param elapsed since the run began; @param total the time it was given */
    record Time(Duration elapsed, Duration total) {
    }

    /** @param running workers running now; @param count workers of the run; @param restarts restarts, all workers together */
    record Workers(long running, int count, long restarts) {
    }

    /** @param filesPerSecond files created a second; @param memoryBytesPerSecond bytes the memory stressor moves a second */
    record Rates(double filesPerSecond, double memoryBytesPerSecond) {
    }

    /** @param rampLoad the load the ramp holds now, NaN when not ramping; @param ready whether the machine is judged warm */
    record Warmup(double rampLoad, boolean ready) {
        static final Warmup NONE = new Warmup(Double.NaN, false);
    }

    /** A moment {@code elapsed} into a run given {@code total}: nothing else known until set. */
    static Builder at(Duration elapsed, Duration total) {
        return new Builder(new Time(elapsed, total));
    }

    /** Sets the parts of a {@link Progress} by name. Not thread-safe. */
    static final class Builder {
        private final Time time;
        private WorkerStats totals = WorkerStats.zero();
        private HostSample host;
        private Workers workers = new Workers(0, 0, 0);
        private Rates rates = new Rates(0, 0);
        private Warmup warmup = Warmup.NONE;

        private Builder(Time time) {
            this.time = time;
        }

        Builder totals(WorkerStats t) {
            totals = t;
            return this;
        }

        Builder host(HostSample h) {
            host = h;
            return this;
        }

        Builder workers(long running, int count, long restarts) {
            workers = new Workers(running, count, restarts);
            return this;
        }

        Builder rates(double filesPerSecond, double memoryBytesPerSecond) {
            rates = new Rates(filesPerSecond, memoryBytesPerSecond);
            return this;
        }

        Builder warmup(double rampLoad, boolean ready) {
            warmup = new Warmup(rampLoad, ready);
            return this;
        }

        Progress build() {
            return new Progress(time, totals, host, workers, rates, warmup);
        }
    }
}
