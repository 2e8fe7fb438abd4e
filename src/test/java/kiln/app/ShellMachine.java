package kiln.app;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import kiln.sampler.Evidence;
import kiln.sampler.HostFacts;
import kiln.sampler.MemoryLimits;
import kiln.supervisor.WorkerProcess;
import kiln.util.Ticker;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link Machine} for lifecycle tests: a shell stands in for each worker JVM (its frames, its
 * silence and its exit are real processes), the host's facts are fixed but for the EDAC count the
 * test sets, and the clock moves only when the test moves it. {@link #close} kills what is left.
 */
final class ShellMachine implements AutoCloseable {
    /** Says hello and one stats frame, then waits for stop (or the end of its stdin). */
    static final String REPORTING = "printf 'kiln/1 hello pid=%d id=%s io=nio cpus=0\\n' $$ \"$ID\";"
            + " printf 'kiln/1 stats seq=1 files_created=5\\n';"
            + " while read l; do case \"$l\" in 'kiln/1 stop'*) printf 'kiln/1 bye files_left=0\\n'; exit 0;; esac; done";
    /** Never reports in: a JVM hung before its first frame. */
    static final String SILENT = "while read l; do case \"$l\" in 'kiln/1 stop'*) exit 0;; esac; done";

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final List<Process> processes = new CopyOnWriteArrayList<>();
    private final AtomicReference<Evidence> evidence = new AtomicReference<>(edacUncorrected(0));
    private volatile String script = REPORTING;
    private volatile CountDownLatch preparing = new CountDownLatch(0);

    /** The workers of the next runs run {@code sh -c script}, with their id in {@code $ID}. */
    void workers(String script) {
        this.script = script;
    }

    /** The memory controller has counted {@code count} uncorrected errors, from now on. */
    void uncorrectedErrors(long count) {
        evidence.set(edacUncorrected(count));
    }

    /** The next run's preparation waits, when it comes to its workers, until {@link #prepared} (at most 30 s). */
    void holdPreparation() {
        preparing = new CountDownLatch(1);
    }

    void prepared() {
        preparing.countDown();
    }

    void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    private static Evidence edacUncorrected(long count) {
        return new Evidence(Map.of(Evidence.Source.EDAC_UNCORRECTED, Map.of("mc0", count)));
    }

    Machine machine() {
        return new Machine(new FixedHost(), Ticker.of(clock::get, n -> LockSupport.parkNanos(Math.min(n, 2_000_000L))),
                (s, ws, memory) -> {
                    try {
                        preparing.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return id -> {
                        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script);
                        pb.environment().put("ID", Integer.toString(id));
                        Process p = pb.start();
                        processes.add(p);
                        return WorkerProcess.of(p);
                    };
                });
    }

    /** Moves the clock by {@code step} every 50 ms of real time until {@code done}: for waits that count from a moment the test cannot see. */
    void advanceUntil(Duration step, BooleanSupplier done) {
        for (int i = 0; i < 400 && !done.getAsBoolean(); i++) {
            advance(step);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public void close() {
        preparing.countDown();
        processes.forEach(Process::destroyForcibly);
    }

    /** A host of two cores, 8 GiB free, on ext4, whose clock is the test's and whose EDAC counts the test sets. */
    private final class FixedHost implements Host {
        @Override
        public Optional<Double> cpuQuotaCores() {
            return Optional.empty();
        }

        @Override
        public int processors() {
            return 2;
        }

        @Override
        public MemoryLimits memoryLimits() {
            return new MemoryLimits(16L << 30, 8L << 30, -1, -1);
        }

        @Override
        public long pageSize() {
            return 4096;
        }

        @Override
        public String fileSystemType(Path dir) {
            return "ext4";
        }

        @Override
        public Evidence evidence() {
            return evidence.get();
        }

        @Override
        public Optional<Double> maxCpuHz() {
            return Optional.empty();
        }

        @Override
        public HostFacts facts() {
            return new HostFacts("test-host", "6.1.0", "Test CPU", "0x1", 2, 2, 16L << 30);
        }

        @Override
        public Map<String, Object> hardware() {
            return Map.of();
        }

        @Override
        public Map<String, Long> coreClocksHz() {
            return Map.of();
        }

        @Override
        public Instant now() {
            return Instant.parse("2026-01-01T00:00:00Z").plusNanos(clock.get());
        }
    }
}
