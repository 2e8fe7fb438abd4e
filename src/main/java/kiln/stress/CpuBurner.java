package kiln.stress;

import kiln.stress.cpu.InjectedFault;
import kiln.stress.cpu.Replay;
import kiln.stress.cpu.Retester;
import kiln.util.Ticker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Burner threads that keep a CPU busy at a target share with {@link CpuMethod}s, checking every
 * result word against the method's known answer. {@code all} rotates the methods once a second;
 * each period runs the next seed. A wrong result is a verification error: counted at once, then
 * retested ({@link Retester}) and reported with its lane, mask, reproduction rate and replay
 * command. Counters are thread-safe and cumulative.
 */
public final class CpuBurner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CpuBurner.class);
    private static final int PERIODS_PER_METHOD = 10;
    /** The cpus this process may run on (one when pinned with taskset), as Linux lists them. */
    static final String ALLOWED_CPUS = Replay.allowedCpus();

    private final int workerId;
    private final List<CpuMethod> methods;
    private final List<Thread> threads = new ArrayList<>();
    private final List<DutyCycle> cycles = new ArrayList<>();
    private final Map<CpuMethod, LongAdder> ops = new LinkedHashMap<>(); // filled once, in the constructor
    private final LongAdder verifyErrors = new LongAdder();
    private final Map<CpuMethod, LongAdder> verifyByMethod = new LinkedHashMap<>(); // filled once, in the constructor
    private final Mismatches mismatches = new Mismatches();
    private final Retester retester;
    private final LongAdder busy = new LongAdder();
    private final InjectedFault injected = new InjectedFault();
    private final AtomicBoolean injectCrossCoreFault = new AtomicBoolean();
    /** Completed cross-core batches ({batch, digest}) not yet sent to the supervisor. */
    private final ArrayBlockingQueue<long[]> digests = new ArrayBlockingQueue<>(64);
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
        for (CpuMethod m : this.methods) {
            ops.put(m, new LongAdder());
            verifyByMethod.put(m, new LongAdder());
        }
        this.retester = new Retester(workerId, ALLOWED_CPUS, mismatches, injected);
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

    /** Tests only: retest on this cpu alone, without a JVM pinned to another cpu per failure. */
    void retestHereOnly() {
        retester.withoutOtherCpu();
    }

    public void start() {
        running = true;
        for (CpuMethod m : methods) {
            LOG.info("w{}: cpu method {} runs {}", workerId, m.word(), m.path());
        }
        threads.forEach(Thread::start);
    }

    /** One thread's state for one method: its work, its seeds, their answers, the result buffer. */
    private static final class Lane {
        final CpuMethod method;
        final CpuMethod.Work work;
        final long[] seeds;
        final long[][] expected;
        final long[] out;
        final LongAdder counter;
        int seedIndex;

        Lane(CpuMethod method, LongAdder counter) {
            this.method = method;
            this.work = method.newWork();
            this.seeds = method.seeds();
            this.expected = new long[seeds.length][];
            for (int i = 0; i < seeds.length; i++) {
                expected[i] = method.answer(seeds[i]);
            }
            this.out = new long[expected[0].length];
            this.counter = counter;
        }
    }

    private void burn(DutyCycle cycle, boolean crossCoreHere) {
        List<Lane> lanes = methods.stream().map(m -> new Lane(m, ops.get(m))).toList();
        CrossCore crossCore = crossCoreHere ? new CrossCore() : null;
        int current = 0;
        long periods = 0;
        while (running) {
            Lane lane = lanes.get(current);
            long busyBefore = cycle.busyNanos();
            if (crossCore != null && periods % CROSS_CORE_EVERY == 0) {
                cycle.runPeriod(() -> crossCoreStep(crossCore));
            } else {
                cycle.runPeriod(() -> check(lane));
                lane.seedIndex = (lane.seedIndex + 1) % lane.seeds.length;
            }
            busy.add(cycle.busyNanos() - busyBefore);
            if (++periods % PERIODS_PER_METHOD == 0) {
                current = (current + 1) % lanes.size();
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

    private void check(Lane lane) {
        CpuMethod m = lane.method;
        long seed = lane.seeds[lane.seedIndex];
        long[] expected = lane.expected[lane.seedIndex];
        lane.work.run(seed, lane.out);
        injected.onResult(m, lane.out);
        lane.counter.increment();
        int element = CpuMethod.firstDifference(expected, lane.out);
        if (element >= 0) {
            verifyErrors.increment();
            verifyByMethod.get(m).increment();
            long mask = expected[element] ^ lane.out[element];
            boolean detailed = retester.submit(new Retester.Failure(m, seed, element, expected[element], lane.out[element],
                    CpuMethod.differences(expected, lane.out), System.currentTimeMillis(), Retester.clock(ALLOWED_CPUS)));
            if (!detailed) {
                return; // counted; the retester said once why it takes no more
            }
            LOG.error("w{}: CPU VERIFICATION ERROR on cpu {}: method {} seed {} element {} lane {} computed {} but the answer is {}"
                            + " (mask {}, thread {}); retesting", workerId, ALLOWED_CPUS, m.word(), Long.toHexString(seed), element,
                    element % m.lanes(), Long.toHexString(lane.out[element]), Long.toHexString(expected[element]),
                    Long.toHexString(mask), Thread.currentThread().getName());
        }
    }

    /** The cpus this process may run on, as Linux lists them ("3", "0-7"); "?" when unknown. */
    public static String cpus() {
        return ALLOWED_CPUS;
    }

    /** Makes the next result of whichever method runs wrong once, to prove that errors are caught and reported. */
    public void injectFault() {
        injected.once(java.util.Optional.empty());
    }

    /**
     * Makes every result of {@code method} wrong from now on (of the method of the next result,
     * when empty), in this process only, as a bad core would: see {@link InjectedFault}.
     *
     * @return false when this burner does not run that method
     */
    public boolean injectStickyFault(java.util.Optional<CpuMethod> method) {
        if (method.isPresent() && !ops.containsKey(method.get())) {
            return false;
        }
        injected.stick(method);
        return true;
    }

    /**
     * Makes the next result of {@code method} wrong once.
     *
     * @return false when this burner does not run that method
     */
    public boolean injectFault(CpuMethod method) {
        if (!ops.containsKey(method)) {
            return false;
        }
        injected.once(java.util.Optional.of(method));
        return true;
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

    /** Details of the wrong results, for the supervisor, once their retest is done. */
    public Mismatches mismatches() {
        return mismatches;
    }

    /** Wrong results so far by method's word, the methods with none left out (as the stats frame carries them). */
    public Map<String, Long> verifyErrorsByMethod() {
        Map<String, Long> out = new TreeMap<>();
        verifyByMethod.forEach((k, v) -> {
            if (v.sum() > 0) {
                out.put(k.word(), v.sum());
            }
        });
        return out;
    }

    public long verifyErrors() {
        return verifyErrors.sum();
    }

    public long busyNanos() {
        return busy.sum();
    }

    /** Stops the burners and the retester and waits briefly for them. Idempotent. */
    @Override
    public void close() {
        running = false;
        retester.close();
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
