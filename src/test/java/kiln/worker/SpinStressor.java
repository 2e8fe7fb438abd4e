package kiln.worker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import kiln.link.Stressor;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.stress.Mismatches;
import kiln.stress.StatsParts;
import kiln.stress.StressorPlugin;

/**
 * A stressor that exists only in the tests: one thread sums 1..1000 and checks the answer, idling
 * in proportion to the load it is told. Registered by a test under a word of its choosing, it
 * proves that a stressor needs nothing outside its own file and its registry line.
 */
final class SpinStressor implements StressorPlugin {
    static final String METHOD = "spin";
    private static final long ANSWER = 1000L * 1001 / 2;

    final WorkerSpec spec;
    private final Stressor key;
    private final Mismatches mismatches = new Mismatches();
    private final LongAdder ops = new LongAdder();
    private final LongAdder wrong = new LongAdder();
    /** The offset of a fault asked for and not yet made, or -1. */
    private final AtomicLong faultAt = new AtomicLong(-1);
    volatile double load = -1;
    volatile boolean prepared;
    volatile Duration stoppedWithin;
    private volatile boolean running = true;
    private Thread thread;

    SpinStressor(WorkerSpec spec, Stressor key) {
        this.spec = spec;
        this.key = key;
    }

    @Override
    public void prepare() {
        load = spec.cpu().load();
        thread = new Thread(this::spin, "spin-w" + spec.id());
        thread.setDaemon(true);
        prepared = true;
    }

    private void spin() {
        while (running) {
            long sum = 0;
            for (int i = 1; i <= 1000; i++) {
                sum += i;
            }
            long at = faultAt.getAndSet(-1);
            if (at >= 0) {
                sum ^= 1L << (at % 64);
            }
            ops.increment();
            if (sum != ANSWER) {
                wrong.increment();
                mismatches.add(key, METHOD, Long.toHexString(ANSWER), Long.toHexString(sum), "bit " + (at % 64));
            }
            if (load < 100) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos((long) (100 - load)));
            }
        }
    }

    @Override
    public void start() {
        thread.start();
    }

    boolean alive() {
        return thread != null && thread.isAlive();
    }

    @Override
    public long stop(Duration budget) {
        stoppedWithin = budget;
        running = false;
        if (thread.isAlive()) {
            try {
                thread.join(Math.max(1, budget.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }

    @Override
    public void setLoad(double percent) {
        load = percent;
    }

    @Override
    public void injectFault(long offset) {
        faultAt.set(offset);
    }

    @Override
    public Mismatches mismatches() {
        return mismatches;
    }

    @Override
    public long verifyErrors() {
        return wrong.sum();
    }

    @Override
    public void addTo(StatsParts stats) {
        stats.cpu(new WorkerStats.Cpu(Map.of(METHOD, ops.sum()), 0));
    }

    @Override
    public String describe() {
        return METHOD + "@" + load + "%";
    }
}
