package kiln.stress;

import kiln.util.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Burner threads that keep a CPU busy at a target share with a {@link CpuMethod}, checking every
 * result against the method's known answer. {@code all} rotates the methods once a second. A wrong
 * result is a verification error: counted and logged with the worker and method. Counters are
 * thread-safe and cumulative.
 */
public final class CpuBurner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CpuBurner.class);
    private static final int PERIODS_PER_METHOD = 10;
    /** The cpus this process may run on (one when pinned with taskset), as Linux lists them. */
    static final String ALLOWED_CPUS = allowedCpus();

    private final int workerId;
    private final List<CpuMethod> methods;
    private final Ticker ticker;
    private final List<Thread> threads = new ArrayList<>();
    private final List<DutyCycle> cycles = new ArrayList<>();
    private final Map<CpuMethod, LongAdder> ops = new java.util.EnumMap<>(CpuMethod.class); // filled once, in the constructor
    private final LongAdder verifyErrors = new LongAdder();
    private final Mismatches mismatches = new Mismatches();
    private final LongAdder busy = new LongAdder();
    private final AtomicBoolean injectFault = new AtomicBoolean();
    private final AtomicBoolean injectCrossCoreFault = new AtomicBoolean();
    /** Completed cross-core batches ({batch, digest}) not yet sent to the supervisor. */
    private final java.util.concurrent.ArrayBlockingQueue<long[]> digests = new java.util.concurrent.ArrayBlockingQueue<>(64);
    /** One period in this many, the first burner thread works on the cross-core batch instead. */
    static final int CROSS_CORE_EVERY = 8;
    private volatile boolean running;

    /**
     * @param methods the methods to rotate through ({@link CpuMethod#select}), at least one
     * @param threadCount burner threads
     * @param load    busy percentage 0..100 per thread
     */
    public CpuBurner(int workerId, List<CpuMethod> methods, int threadCount, double load, Ticker ticker) {
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("no cpu method to run");
        }
        this.workerId = workerId;
        this.methods = List.copyOf(methods);
        this.ticker = ticker;
        for (CpuMethod m : this.methods) {
            ops.put(m, new LongAdder());
        }
        for (int i = 0; i < threadCount; i++) {
            DutyCycle cycle = new DutyCycle(load, ticker);
            cycles.add(cycle);
            boolean first = i == 0;
            Thread t = new Thread(() -> burn(cycle, first), "kiln-w" + workerId + "-cpu-" + i);
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            threads.add(t);
        }
    }

    public void start() {
        running = true;
        threads.forEach(Thread::start);
    }

    private void burn(DutyCycle cycle, boolean crossCoreHere) {
        List<CpuWork> instances = methods.stream().map(CpuMethod::newWork).toList();
        List<LongAdder> counters = methods.stream().map(ops::get).toList();
        CrossCore crossCore = crossCoreHere ? new CrossCore() : null;
        int current = 0;
        long periods = 0;
        while (running) {
            CpuWork m = instances.get(current);
            LongAdder counter = counters.get(current);
            long busyBefore = cycle.busyNanos();
            if (crossCore != null && periods % CROSS_CORE_EVERY == 0) {
                cycle.runPeriod(() -> crossCoreStep(crossCore));
            } else {
                cycle.runPeriod(() -> check(m, counter));
            }
            busy.add(cycle.busyNanos() - busyBefore);
            if (++periods % PERIODS_PER_METHOD == 0) {
                current = (current + 1) % instances.size();
            }
        }
    }

    private void crossCoreStep(CrossCore c) {
        long[] done = c.step();
        if (done != null) {
            if (injectCrossCoreFault.get()) {
                done[1] ^= 1L << 29; // as a core that computes one intrinsic wrong would: from now on
            }
            digests.offer(done); // full (supervisor not reading): the newest are dropped, the comparison skips them
        }
    }

    /** Moves the completed cross-core digests into {@code out}. */
    public void drainDigests(List<long[]> out) {
        digests.drainTo(out);
    }

    /**
     * Every cross-core digest this worker reports from now on will be wrong, as a defective core's
     * would be: whichever of them another worker computed too, or the supervisor checks, shows it.
     */
    public void injectCrossCoreFault() {
        injectCrossCoreFault.set(true);
    }

    private void check(CpuWork work, LongAdder counter) {
        CpuMethod m = work.method();
        long result = work.op();
        if (injectFault.compareAndSet(true, false)) {
            result ^= 1L << 17; // a deliberate single-bit error, as a bad core would make
        }
        counter.increment();
        if (result != m.expected()) {
            verifyErrors.increment();
            mismatches.add(kiln.link.Stressor.CPU, m.word(), Long.toHexString(m.expected()), Long.toHexString(result), "");
            LOG.error("w{}: CPU VERIFICATION ERROR on cpu {}: method {} computed {} but the answer is {} (thread {})",
                    workerId, ALLOWED_CPUS, m.word(), Long.toHexString(result), Long.toHexString(m.expected()),
                    Thread.currentThread().getName());
        }
    }

    /** The cpus this process may run on, as Linux lists them ("3", "0-7"); "?" when unknown. */
    public static String cpus() {
        return ALLOWED_CPUS;
    }

    private static String allowedCpus() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("cannot read this process's cpu affinity: {}", e.toString());
        }
        return "?";
    }

    /** Makes the next result wrong once, to prove that errors are caught and reported. */
    public void injectFault() {
        injectFault.set(true);
    }

    public void setLoad(double load) {
        cycles.forEach(c -> c.setLoad(load));
    }

    /** Operations so far by method's word (as the stats frame carries them). */
    public Map<String, Long> ops() {
        Map<String, Long> out = new TreeMap<>();
        ops.forEach((k, v) -> out.put(k.word(), v.sum()));
        return out;
    }

    /** Details of the wrong results, for the supervisor. */
    public Mismatches mismatches() {
        return mismatches;
    }

    public long verifyErrors() {
        return verifyErrors.sum();
    }

    public long busyNanos() {
        return busy.sum();
    }

    /** Stops the burners and waits briefly for them. Idempotent. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.MILLISECONDS.toMillis(500));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
