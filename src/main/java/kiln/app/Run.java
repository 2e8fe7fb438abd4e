package kiln.app;

import kiln.util.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import kiln.report.Cleanup;
import kiln.report.Report;
import kiln.sampler.HardwareSampler;
import kiln.supervisor.Stress;
import kiln.supervisor.WorkerState;

/**
 * One stress run, the same for {@code kiln run} and the daemon: the workers are started (the
 * workspace is open already), the run waits for its end — the duration, the machine warm with
 * until-ready, a stop request, every worker failed — then stops the workers (they remove their
 * files) and reports. The run's clock starts at the common start, so start-up and cleanup never
 * count as stress time. {@link #requestStop} may be called from any thread; the rest from the
 * thread that runs it.
 */
final class Run {
    /** How long the workers may take to report in, without a memory stressor. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /**
     * The slowest a worker is taken to get its memory stressor's buffer, which it does before it
     * reports in (zeroed, so every page is touched). Measured: 9.2 GiB per worker on 2 cores took
     * 13 s (0.7 GiB/s each) with memory free, and over 20 s once the kernel first had to reclaim
     * page cache; 128 MiB/s leaves room for a slower machine under pressure.
     */
    static final long SLOWEST_ALLOCATION_BYTES_PER_SECOND = 128L << 20;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** Why a run ended. */
    enum End {
        DURATION("duration reached"),
        READY("warm"),
        STOPPED("stopped on request"),
        ALL_FAILED("every worker failed"),
        NOT_STARTED("no worker started");

        private final String text;

        End(String text) {
            this.text = text;
        }

        /** For logs, the report and the daemon's status document. */
        String text() {
            return text;
        }
    }

    /**
     * What a run did and why it ended, and where its report went.
     *
     * @param reportError why the report asked for ({@code kiln.run.report}) could not be written; null when written or none asked
     */
    record Result(Report report, End end, String reportError) {
        /** The report asked for is missing. */
        boolean reportLost() {
            return reportError != null;
        }
    }

    /** What the caller does while the run goes: said when the workers are up, and about four times a second after. */
    interface Course {
        /**
         * The wait for the workers is over and the run goes on, unless this says no (the daemon,
         * told to stop meanwhile).
         *
         * @param started whether any worker reported in
         */
        boolean begins(boolean started);

        void tick(Duration elapsed);
    }

    private final Stress stress;
    private final Ticker ticker;
    private final Host host;
    private HardwareSampler sampler;
    private final CountDownLatch stopRequest = new CountDownLatch(1);
    private long started;
    private kiln.sampler.Evidence evidenceBefore;
    private java.time.Instant startedAt;
    /** What was said at start will not go as asked, for the report. */
    private final List<String> warnings;

    Run(Stress stress, Machine machine, List<String> warnings) {
        this.stress = stress;
        this.ticker = machine.ticker();
        this.host = machine.host();
        this.warnings = List.copyOf(warnings);
    }

    /** What was said at start will not go as asked (memory cut, CPU quota, a ramp longer than the run). */
    List<String> warnings() {
        return warnings;
    }

    Stress stress() {
        return stress;
    }

    /** Starts the worker JVMs; they report in while the caller loads the rest. */
    void launch() {
        evidenceBefore = host.evidence();
        stress.start();
    }

    /**
     * Waits for the workers to report in, then gives the common start; {@code sampler}'s average
     * CPU load counts from then on.
     *
     * @return false when none started within {@link #startTimeout}
     */
    boolean awaitStarted(HardwareSampler sampler) throws InterruptedException {
        this.sampler = sampler;
        boolean any = stress.awaitStarted(startTimeout(stress.memoryPerWorker()), this::stopRequested);
        sampler.resetAverage();
        started = ticker.nanoTime();
        startedAt = host.now();
        return any;
    }

    /**
     * How long the workers may take to report in: {@link #START_TIMEOUT}, and the time to get a
     * buffer of {@code memoryPerWorker} bytes at {@link #SLOWEST_ALLOCATION_BYTES_PER_SECOND}.
     * With 20 s flat, a run given 18 GiB of memory on 2 cores ended "no worker started".
     */
    static Duration startTimeout(long memoryPerWorker) {
        return START_TIMEOUT.plusMillis(Math.max(0, memoryPerWorker) * 1000 / SLOWEST_ALLOCATION_BYTES_PER_SECOND);
    }

    /**
     * A CPU ramp longer than the run never reaches its target: said at start ("the CPU load
     * reaches 25% of its 100% target by the end"), not refused, since a profile's ramp and a
     * shorter run asked for later can meet that way.
     */
    static java.util.Optional<String> rampWarning(kiln.config.Settings s) {
        Duration ramp = s.run().ramp();
        Duration length = s.run().duration();
        if (!s.cpu().enabled() || ramp.isZero() || ramp.compareTo(length) <= 0) {
            return java.util.Optional.empty();
        }
        long reached = Math.round(s.cpu().load() * (double) length.toMillis() / ramp.toMillis());
        return java.util.Optional.of("the CPU ramp (" + kiln.config.Durations.format(ramp) + ") is longer than the run ("
                + kiln.config.Durations.format(length) + "): the load reaches " + reached + "% of its " + s.cpu().load()
                + "% target by the end");
    }

    /**
     * The run's course once launched: the wait for its workers, then for its end. Without a
     * worker and without a stop asked for, it ends {@link End#NOT_STARTED}; when {@code course}
     * does not begin, {@link End#STOPPED}.
     */
    End toEnd(HardwareSampler sampler, Course course) throws InterruptedException {
        boolean started = awaitStarted(sampler);
        if (!started && !stopRequested()) {
            return End.NOT_STARTED;
        }
        if (!course.begins(started)) {
            return End.STOPPED;
        }
        return awaitEnd(course::tick);
    }

    /** Asks the run to end now, cleanly. Any thread; returns at once; also ends the wait for the workers. */
    void requestStop() {
        stopRequest.countDown();
    }

    /** Whether a stop was asked for. */
    boolean stopRequested() {
        return stopRequest.getCount() == 0;
    }

    /** Time since the common start. */
    Duration elapsed() {
        return Duration.ofNanos(ticker.nanoTime() - started);
    }

    /**
     * Waits for the end, calling {@code onTick} with the elapsed time about four times a second.
     */
    End awaitEnd(Consumer<Duration> onTick) throws InterruptedException {
        boolean untilReady = stress.settings().run().untilReady();
        long end = started + stress.settings().run().duration().toNanos();
        while (true) {
            long left = end - ticker.nanoTime();
            if (left <= 0) {
                return End.DURATION;
            }
            if (stopRequest.await(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS)) {
                return End.STOPPED;
            }
            if (untilReady && stress.monitor().ready()) {
                return End.READY;
            }
            if (stress.pool().states().get(WorkerState.FAILED) == stress.pool().size()) {
                return End.ALL_FAILED;
            }
            onTick.accept(elapsed());
        }
    }

    /** What the workers and the sweep could not remove (or could not look for): part of the verdict, in run and daemon alike. */
    private static Cleanup left(kiln.workspace.Workspace workspace) {
        kiln.workspace.Workspace.Leftovers l = workspace.leftovers();
        return new Cleanup(l.files(), workspace.dir().toString(), l.shards(), l.uncounted());
    }

    /** Cores slower than their siblings, and a clock that dropped under load. */
    private List<String> slow() {
        List<String> out = new java.util.ArrayList<>(SlowCores.find(stress.pool().workers(), stress.settings().verdict().slowCorePercent()));
        FrequencyDrop.find(stress.monitor().history().columns(), host.maxCpuHz()).ifPresent(out::add);
        return out;
    }

    /**
     * Stops the workers (they remove their files), reports, with what is left in {@code workspace}
     * after that, and writes the report asked for; the stress time ends here, not after cleanup.
     */
    Result stop(End end, kiln.workspace.Workspace workspace) {
        Duration elapsed = end == End.NOT_STARTED ? Duration.ZERO : elapsed();
        double load = sampler == null ? Double.NaN : sampler.averageCpuLoad();
        java.time.Instant endedAt = host.now();
        // before the workers stop: the identity carries each core's clock under the run's load
        java.util.Map<String, Object> identity = Identity.of(stress.settings(), startedAt == null ? endedAt : startedAt, endedAt, host);
        stress.close();
        kiln.sampler.Evidence after = host.evidence();
        stress.pool().crossCore().flush();
        Report.Findings findings = new Report.Findings(stress.pool().verifyErrors().entries(),
                evidenceBefore == null ? after : evidenceBefore, after, stress.pool().crossCore().disagreeing(),
                slow(),
                identity, end.text(), end == End.STOPPED,
                warnings, left(workspace));
        Report report = Report.of(stress, elapsed, load, findings);
        return new Result(report, end, write(report));
    }

    /** Writes the report asked for; why it could not be, or null. */
    private String write(Report report) {
        java.nio.file.Path to = stress.settings().run().report();
        if (to == null) {
            return null;
        }
        try {
            report.writeTo(to, stress.monitor().history());
            return null;
        } catch (kiln.report.ReportFile.Unwritable e) {
            return e.getMessage(); // it could be written at start: something changed since
        }
    }
}
