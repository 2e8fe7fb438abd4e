package kiln.supervisor;

import kiln.util.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import kiln.link.Message;
import kiln.sampler.HostSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run does over time, driven by the hardware sampler's ticks (about once a second):
 * the files/s window, the CPU load ramp, warm-up readiness and the one deliberate fault of
 * {@code --inject-fault}. The current load is sent to every worker on every tick, so a worker
 * restarted mid-run catches up within a second.
 *
 * <p>When the burners are the only stressor, the load sent is lowered by kiln's own overhead
 * (the supervisor's CPU time plus what the workers spend outside their burners, per core,
 * smoothed), so that the machine is busy at the target, not the target plus kiln's bookkeeping.
 * Thread-safe.
 */
public final class RunMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(RunMonitor.class);
    static final long FAULT_DELAY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final WorkerPool pool;
    private final Readiness readiness;
    private final int targetLoad;
    private final long rampNanos;
    private final String fault;
    private final Ticker ticker;
    private final RateWindow filesRate = new RateWindow(TimeUnit.SECONDS.toNanos(5));
    private final RateWindow memoryRate = new RateWindow(TimeUnit.SECONDS.toNanos(5));
    private final RateWindow cpuOpsRate = new RateWindow(TimeUnit.SECONDS.toNanos(5));
    private final RateWindow cpuBusyRate = new RateWindow(TimeUnit.SECONDS.toNanos(5));
    private final History history = new History();
    /** nanoTime of the common start, -1 before: written by the run thread, read by the sampler and HTTP threads. */
    private volatile long begun = -1;
    private boolean faultSent;
    private volatile double load;
    private final boolean compensate;
    private final LongSupplier ownCpuNanos;
    private long prevNanos = -1;
    private long prevOverhead;
    private double overheadPct;

    /**
     * @param targetLoad CPU load the ramp ends at
     * @param ramp       how long the ramp takes; zero for none
     * @param fault      stressor to inject one fault into, "" for none
     */
    public RunMonitor(WorkerPool pool, Readiness readiness, int targetLoad, Duration ramp, String fault, Ticker ticker) {
        this(pool, readiness, targetLoad, ramp, fault, false, () -> 0, ticker);
    }

    /**
     * @param compensate  subtract kiln's own overhead from the load (only the burners run)
     * @param ownCpuNanos CPU time of the supervisor process so far
     */
    public RunMonitor(WorkerPool pool, Readiness readiness, int targetLoad, Duration ramp, String fault, boolean compensate,
                      LongSupplier ownCpuNanos, Ticker ticker) {
        this.compensate = compensate && targetLoad > 0 && targetLoad < 100;
        this.ownCpuNanos = ownCpuNanos;
        this.pool = pool;
        this.readiness = readiness;
        this.targetLoad = targetLoad;
        this.rampNanos = ramp.toNanos();
        this.fault = fault;
        this.ticker = ticker;
        this.load = rampNanos > 0 ? 0 : targetLoad;
    }

    /** CPU load to start workers with: 0 when ramping. */
    public int initialLoad() {
        return initialLoad(targetLoad, Duration.ofNanos(rampNanos));
    }

    /** The one rule for the load workers start with, used before the monitor exists (their specs). */
    static int initialLoad(int targetLoad, Duration ramp) {
        return ramp.isZero() ? targetLoad : 0;
    }

    /** The stress has started: the ramp and the fault delay count from now. */
    public synchronized void begin() {
        begun = ticker.nanoTime();
    }

    /** Time since {@link #begin}, zero before it. */
    public Duration elapsed() {
        long b = begun;
        return b < 0 ? Duration.ZERO : Duration.ofNanos(Math.max(1, ticker.nanoTime() - b));
    }

    /** One sampler tick. */
    public synchronized void onSample(HostSample sample) {
        long now = ticker.nanoTime();
        var totals = pool.totals();
        filesRate.add(now, totals.files().created());
        memoryRate.add(now, totals.memoryBytes());
        cpuOpsRate.add(now, kiln.link.WorkerStats.total(totals.cpu().ops()));
        cpuBusyRate.add(now, totals.cpu().busyNanos());
        if (begun < 0) {
            return;
        }
        long since = now - begun;
        updateOverhead(now, totals);
        double base = rampNanos > 0 && since < rampNanos ? targetLoad * (double) since / rampNanos : targetLoad;
        load = since >= rampNanos && compensate ? Math.max(0, base - overheadPct) : base;
        pool.broadcast(new Message.Load(Math.max(0, Math.min(100, load))));
        if (!fault.isEmpty() && !faultSent && since >= FAULT_DELAY_NANOS) {
            faultSent = pool.sendTo(0, new Message.Fault(kiln.link.FaultTarget.parse(fault).orElseThrow(), 4096));
            if (faultSent) {
                LOG.warn("injected one fault into the {} stressor of worker 0, as asked: this run must fail", fault);
            }
        }
        double freq = sample == null || sample.cpu().coreFrequencyHz().isEmpty() ? Double.NaN
                : sample.cpu().coreFrequencyHz().stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
        double temp = sample == null ? Double.NaN : sample.cpu().temperatureC();
        pool.verifyErrors().temperature(temp);
        record(since, sample, totals, freq, temp);
        if (since < rampNanos) {
            readiness.reset();
            return;
        }
        boolean wasReady = readiness.ready();
        // several methods in rotation: ops/s follows which one runs, so the CPU is judged by the
        // burners' busy time (which the duty cycle holds at the load asked when the host gives it)
        boolean rotating = totals.cpu().ops().values().stream().filter(n -> n > 0).count() > 1;
        readiness.cpuMeasuredAs(rotating ? "cpu busy" : "cpu ops/s");
        double cpu = rotating ? cpuBusyRate.perSecond() : cpuOpsRate.perSecond();
        var reading = new Readiness.Reading(filesRate.perSecond(), cpu, memoryRate.perSecond(), freq, temp);
        if (readiness.observe(now, reading) && !wasReady) {
            LOG.info("the machine is warm: {}", readiness.judged());
        }
    }

    private void record(long since, HostSample sample, kiln.link.WorkerStats totals, double freq, double temp) {
        double gib = 1L << 30;
        history.add(since / 1e9, filesRate.perSecond(), sample == null ? Double.NaN : sample.cpu().load() * 100,
                freq / 1e9, temp, sample == null ? Double.NaN : sample.memory().usedBytes() / gib,
                memoryRate.perSecond() / gib, kiln.link.WorkerStats.total(totals.verifyErrors()),
                kiln.link.WorkerStats.total(totals.files().errors().byWord()));
    }

    /** The run's readings over time. */
    public History history() {
        return history;
    }

    /** kiln's CPU outside the burners, percent of one core per worker, smoothed over a few ticks. */
    private void updateOverhead(long now, kiln.link.WorkerStats totals) {
        long overhead = ownCpuNanos.getAsLong() + totals.processCpuNanos() - totals.cpu().busyNanos();
        if (prevNanos >= 0 && now > prevNanos && pool.size() > 0) {
            double pct = 100.0 * (overhead - prevOverhead) / ((now - prevNanos) * (double) pool.size());
            overheadPct = 0.7 * overheadPct + 0.3 * Math.max(0, Math.min(10, pct));
        }
        prevNanos = now;
        prevOverhead = overhead;
    }

    /** The overhead being compensated, percent of a core (0 when not compensating). */
    public double overheadPercent() {
        return compensate ? overheadPct : 0;
    }

    public double filesPerSecond() {
        return filesRate.perSecond();
    }

    public boolean ready() {
        return readiness.ready();
    }

    public String waitingFor() {
        return readiness.waitingFor();
    }

    /** CPU burner operations per second, over the last 5 s. */
    public double cpuOpsPerSecond() {
        return cpuOpsRate.perSecond();
    }

    /** Once warm, what was found steady (see {@link Readiness#judged}); empty before. */
    public String judged() {
        return readiness.judged();
    }

    /** Bytes written plus verified by the memory stressor per second, over the last 5 s. */
    public double memoryBytesPerSecond() {
        return memoryRate.perSecond();
    }

    /** Whether the load is still rising. */
    public boolean ramping() {
        return begun >= 0 && ticker.nanoTime() - begun < rampNanos;
    }

    /** CPU load the workers are told to hold now, percent. */
    public double load() {
        return load;
    }
}
