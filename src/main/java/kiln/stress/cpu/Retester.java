package kiln.stress.cpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import kiln.link.CpuMiscompare;
import kiln.stress.CpuMethod;
import kiln.stress.Mismatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retests a CPU method's wrong result as OpenDCDiag does, on its own thread so that no burner
 * waits: the same unit (method and seed) again in this process, which runs on the failing cpu (the
 * worker is pinned), 20 times after the unit's first failure and 10 after later ones; then, for the unit's first
 * {@link #OTHER_CPU_RETESTS} failures, once in
 * a new JVM pinned with {@code taskset} to another online cpu ({@link Replay#onCpu}). Then the
 * mismatch goes to the supervisor with its reproduction rate and replay command. A unit's first
 * {@link #DETAILED_PER_UNIT} failures are retested and detailed; past those, and while the queue
 * is full, a failure is only counted (by the burner): a core that fails every result would
 * otherwise keep the retest busy and send copies, unretested ones ahead of the first. {@link #close}
 * is idempotent; a failure still waiting when it is called is reported without its retest.
 */
public final class Retester implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retester.class);
    /** Re-runs on the failing cpu after the unit's first failure, and after later ones. */
    public static final int FIRST_RUNS = 20;
    public static final int LATER_RUNS = 10;
    private static final long OTHER_CPU_TIMEOUT_SECONDS = 60;
    /**
     * Failures of one unit retested on another cpu: a JVM start each, on a core another worker
     * burns; past these the answer is known and a failing core would make a storm of them.
     */
    static final int OTHER_CPU_RETESTS = 3;
    /** Failures of one unit retested and detailed; later ones say nothing the first did not. */
    public static final int DETAILED_PER_UNIT = OTHER_CPU_RETESTS + 2;

    /** A wrong result waiting for its retest. */
    public record Failure(CpuMethod method, long seed, int element, long expected, long actual, int differing, long atMillis,
                          String clock) {
    }

    /**
     * The clock of the one cpu this process runs on, read when a failure is found ({@code 2600 MHz}),
     * from cpufreq or else /proc/cpuinfo; "" when not pinned to one cpu or not known.
     */
    public static String clock(String cpus) {
        List<Integer> one = Replay.cpuList(cpus);
        if (one.size() != 1) {
            return "";
        }
        int cpu = one.get(0);
        try {
            java.nio.file.Path f = java.nio.file.Path.of("/sys/devices/system/cpu/cpu" + cpu + "/cpufreq/scaling_cur_freq");
            if (java.nio.file.Files.isReadable(f)) {
                return Long.parseLong(java.nio.file.Files.readString(f).strip()) / 1000 + " MHz";
            }
            int current = -1;
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("processor")) {
                    current = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
                } else if (current == cpu && line.startsWith("cpu MHz")) {
                    return Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).strip())) + " MHz";
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
        return "";
    }

    private final int workerId;
    private final String cpus;
    private final Mismatches out;
    private final BlockingQueue<Failure> queue = new ArrayBlockingQueue<>(16);
    private final Map<String, Integer> seen = new HashMap<>();
    /** Failures offered per unit, counted by the burner threads. */
    private final Map<String, Integer> offered = new java.util.concurrent.ConcurrentHashMap<>();
    private final InjectedFault fault;
    private final java.util.concurrent.atomic.AtomicBoolean fullSaid = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread thread;
    private volatile boolean otherCpu = true;
    private volatile boolean closed;

    public Retester(int workerId, String cpus, Mismatches out) {
        this(workerId, cpus, out, new InjectedFault());
    }

    /** @param fault the worker's injected faults: one that sticks is in the retest on this cpu too */
    public Retester(int workerId, String cpus, Mismatches out, InjectedFault fault) {
        this.fault = fault;
        this.workerId = workerId;
        this.cpus = cpus;
        this.out = out;
        this.thread = new Thread(this::loop, "kiln-w" + workerId + "-cpu-retest");
        thread.setDaemon(true);
    }

    /** Tests only: no retest on another cpu (a JVM start per failure). */
    public void withoutOtherCpu() {
        otherCpu = false;
    }

    /**
     * Queues a failure for its retest and details; never blocks. After {@link #close} it is
     * reported at once, without a retest.
     *
     * @return false when it is only to be counted: its unit is past {@link #DETAILED_PER_UNIT}
     *         failures, or the queue is full
     */
    public boolean submit(Failure f) {
        synchronized (this) {
            if (!thread.isAlive() && !closed && thread.getState() == Thread.State.NEW) {
                thread.start();
            }
        }
        if (closed) {
            report(f, List.of());
            return true;
        }
        int nth = offered.merge(unit(f), 1, Integer::sum);
        if (nth > DETAILED_PER_UNIT) {
            if (nth == DETAILED_PER_UNIT + 1) {
                LOG.error("w{}: {} seed {} failed {} times; its further failures are counted, not retested", workerId,
                        f.method().word(), Long.toHexString(f.seed()), DETAILED_PER_UNIT);
            }
            return false;
        }
        if (!queue.offer(f)) {
            if (fullSaid.compareAndSet(false, true)) {
                LOG.error("w{}: the cpu retest is behind; failures are counted, not retested, until it catches up", workerId);
            }
            return false;
        }
        return true;
    }

    private static String unit(Failure f) {
        return f.method().word() + "/" + f.seed();
    }

    private void loop() {
        while (!closed) {
            try {
                Failure f = queue.poll(200, TimeUnit.MILLISECONDS);
                if (f != null) {
                    report(f, retest(f));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("w{}: the cpu retest failed: {}", workerId, e.toString());
            }
        }
    }

    private List<CpuMiscompare.Trial> retest(Failure f) {
        int nth = seen.merge(unit(f), 1, Integer::sum);
        int runs = nth == 1 ? FIRST_RUNS : LATER_RUNS;
        Replay.Outcome here = Replay.run(f.method(), f.seed(), runs, kiln.util.Ticker.SYSTEM, out -> fault.onRetest(f.method(), out));
        List<CpuMiscompare.Trial> trials = new ArrayList<>();
        trials.add(new CpuMiscompare.Trial(cpus, here.runs(), here.failed()));
        if (otherCpu && !closed && nth <= OTHER_CPU_RETESTS) {
            Optional<Integer> other = Replay.otherCpu(cpus);
            other.flatMap(c -> Replay.onCpu(c, f.method().word(), f.seed(), OTHER_CPU_TIMEOUT_SECONDS)).ifPresent(trials::add);
        }
        return trials;
    }

    private void report(Failure f, List<CpuMiscompare.Trial> trials) {
        String clock = f.clock();
        int lanes = f.method().lanes();
        CpuMiscompare c = new CpuMiscompare(f.seed(), f.element(), f.element() % lanes, f.expected() ^ f.actual(), f.differing(),
                trials, Replay.commandLine(cpus, f.method().word(), f.seed()));
        if (!trials.isEmpty()) {
            LOG.error("w{}: retest of {} seed {}: {} ({})", workerId, f.method().word(), Long.toHexString(f.seed()), c.rate(), c.kind());
        }
        out.addCpu(f.method().word(), Long.toHexString(f.expected()), Long.toHexString(f.actual()), clock, f.atMillis(), c);
    }

    /** Stops the retest thread; a failure still queued is reported without its retest. Idempotent. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Failure> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(f -> report(f, List.of()));
    }
}
