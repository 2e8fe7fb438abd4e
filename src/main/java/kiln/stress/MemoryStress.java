package kiln.stress;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import kiln.link.Stressor;
import kiln.stress.memory.Cells;
import kiln.stress.memory.Pass;
import kiln.stress.memory.Pattern;
import kiln.stress.memory.Patterns;
import kiln.stress.memory.PhysicalAddress;
import kiln.util.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the memory fault models ({@link Patterns}) over an off-heap buffer, one pattern per pass
 * in turn, at bus speed. A word that does not read back as written is a verification error: the
 * first {@value #LOGGED_ERRORS_PER_PASS} of a pass go to the supervisor in full (pattern, pass,
 * offset, expected, actual, XOR mask, and whether a re-read still saw it wrong), the rest are
 * counted. Counts bytes written plus bytes read back, in total and per pattern. One thread;
 * counters are thread-safe.
 */
public final class MemoryStress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStress.class);
    static final int LOGGED_ERRORS_PER_PASS = 5;
    /** The seed of the random data: fixed, so a pass's data can be made again from its number. */
    static final long SEED = 0x6b696c6eL;

    /** What one pattern has done. */
    private static final class Tally {
        final LongAdder passes = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder errors = new LongAdder();
    }

    private final int workerId;
    private final Cells cells;
    private final List<Pattern> patterns;
    private final Ticker ticker;
    private final PhysicalAddress physical;
    private final Map<String, Tally> tallies = new java.util.concurrent.ConcurrentHashMap<>();
    private final long[][] scratch = new long[3][Cells.BLOCK_WORDS];
    private final Thread thread;
    private final LongAdder bytes = new LongAdder();
    private final LongAdder verifyErrors = new LongAdder();
    private final Mismatches mismatches = new Mismatches();
    private final AtomicLong faultAt = new AtomicLong(-1);
    private volatile boolean stopping;
    private long pass;

    /** The default fault models over {@code bytes} of off-heap memory. */
    public MemoryStress(int workerId, long bytes) {
        this(workerId, bytes, Patterns.DEFAULT, Patterns.Options.DEFAULT);
    }

    /**
     * @param bytes    buffer size, rounded down to whole 8-byte words; allocated here, off-heap, and touched
     * @param patterns names of registered patterns, run in this order pass after pass
     * @throws OutOfMemoryError         when the JVM's direct-memory limit does not allow it
     * @throws IllegalArgumentException for an unknown pattern or none
     */
    public MemoryStress(int workerId, long bytes, List<String> patterns, Patterns.Options options) {
        this(workerId, Cells.allocate(bytes), Patterns.make(patterns, options), Ticker.SYSTEM);
    }

    /** Over any cells (a test's faulty memory), with the patterns given. */
    public MemoryStress(int workerId, Cells cells, List<Pattern> patterns, Ticker ticker) {
        this(workerId, cells, patterns, ticker, PhysicalAddress.SYSTEM);
    }

    /** Over any cells, with where their physical addresses are read from (a test's fixture files). */
    public MemoryStress(int workerId, Cells cells, List<Pattern> patterns, Ticker ticker, PhysicalAddress physical) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("no memory pattern to run");
        }
        this.workerId = workerId;
        this.cells = cells;
        this.patterns = List.copyOf(patterns);
        this.ticker = ticker;
        this.physical = physical;
        for (Pattern p : patterns) {
            tallies.putIfAbsent(p.name(), new Tally());
        }
        thread = new Thread(this::loop, "kiln-w" + workerId + "-memory");
        thread.setDaemon(true);
        if (cells.words() > 0) {
            LOG.info("w{}: memory: {} {}", workerId, kiln.util.Sizes.human(cells.words() * 8), cells.residency().text());
        }
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (!stopping) {
            runPass(patterns.get((int) (pass % patterns.size())), pass);
            pass++;
        }
    }

    /** Runs one pass of {@code pattern}; returns the wrong words it found. */
    public long runPass(Pattern pattern, long number) {
        Tally tally = tallies.computeIfAbsent(pattern.name(), n -> new Tally());
        Pass p = new Pass(cells, pattern, number, tally.passes.sum(), SEED, scratch, new Runner(tally));
        pattern.run(p);
        if (!stopping) {
            tally.passes.increment();
        }
        if (p.errors() > LOGGED_ERRORS_PER_PASS) {
            LOG.error("w{}: {} more memory mismatches in pass {} ({}) not shown", workerId, p.errors() - LOGGED_ERRORS_PER_PASS,
                    number, pattern.name());
        }
        return p.errors();
    }

    /** The stressor's side of a pass: counters, the stop flag, the injected fault, the errors' details. */
    private final class Runner implements Pass.Runner {
        private final Tally tally;

        Runner(Tally tally) {
            this.tally = tally;
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public void idle(Duration wait) {
            long end = ticker.nanoTime() + wait.toNanos();
            for (long left = wait.toNanos(); left > 0 && !stopping; left = end - ticker.nanoTime()) {
                ticker.parkNanos(Math.min(left, 100_000_000L));
            }
        }

        @Override
        public void filled(Cells c, long words) {
            long fault = faultAt.getAndSet(-1);
            long size = words * 8;
            if (fault >= 0 && size > 0) {
                long offset = fault % size;
                c.set(offset / 8, c.get(offset / 8) ^ (1L << ((offset % 8) * 8)));
            }
        }

        @Override
        public void moved(long n) {
            bytes.add(n);
            tally.bytes.add(n);
        }

        @Override
        public void error(Pass p, Pass.Miscompare m) {
            verifyErrors.increment();
            tally.errors.increment();
            if (p.errors() > LOGGED_ERRORS_PER_PASS) {
                return;
            }
            String pattern = p.pattern().name() + (p.variant().isEmpty() ? "" : "/" + p.variant());
            Map<String, String> detail = new LinkedHashMap<>();
            detail.put("pass", Long.toString(p.number()));
            if (!p.variant().isEmpty()) {
                detail.put("variant", p.variant());
            }
            detail.put("offset", Long.toString(m.offset()));
            detail.put("mask", "0x" + Long.toHexString(m.mask()));
            detail.put("reread", m.rereadWord());
            PhysicalAddress.Place where = physical.describe(cells.address(m.word()));
            detail.put("phys", where.phys());
            detail.put("node", where.node());
            mismatches.add(Stressor.MEMORY, p.pattern().name(), Long.toHexString(m.expected()), Long.toHexString(m.actual()),
                    "offset 0x" + Long.toHexString(m.offset()), detail);
            LOG.error("w{}: MEMORY VERIFICATION ERROR: pattern {} pass {}: offset 0x{} (physical {}, node {}) read {} expected {} (bits {}), {} on a second read",
                    workerId, pattern, p.number(), Long.toHexString(m.offset()), where.phys(), where.node(), Long.toHexString(m.actual()),
                    Long.toHexString(m.expected()), Long.toHexString(m.mask()),
                    m.stored() ? "still wrong (stored)" : "right (a bad read, transient)");
        }
    }

    /**
     * Flips one bit at {@code byteOffset} (mod the size) between the next fill and its check,
     * as a failing DIMM would, to prove that errors are caught and reported.
     */
    public void injectFault(long byteOffset) {
        faultAt.set(Math.max(0, byteOffset));
    }

    public long sizeBytes() {
        return cells.words() * 8;
    }

    /** Whether the buffer is locked and advised to huge pages, and why not. */
    public kiln.stress.memory.Residency residency() {
        return cells.residency();
    }

    /** How the buffer is held: {@code segment} (JDK 22+) or {@code buffer}. */
    public String kind() {
        return cells.kind();
    }

    /** Bytes written plus bytes read back and compared (a copy counts twice). */
    public long bytes() {
        return bytes.sum();
    }

    /**
     * Per pattern run so far, by name: {@code passes} (complete), {@code bytes}, {@code errors};
     * keys are {@code <name>.<counter>}.
     */
    public Map<String, Long> patternStats() {
        Map<String, Long> out = new LinkedHashMap<>();
        tallies.forEach((name, t) -> {
            out.put(kiln.link.MemoryCounter.PASSES.of(name), t.passes.sum());
            out.put(kiln.link.MemoryCounter.BYTES.of(name), t.bytes.sum());
            out.put(kiln.link.MemoryCounter.ERRORS.of(name), t.errors.sum());
        });
        return out;
    }

    /** The patterns' names, in the order they run. */
    public String describe() {
        return String.join(", ", patterns.stream().map(Pattern::name).toList()).toLowerCase(Locale.ROOT);
    }

    /** Details of the wrong results, for the supervisor. */
    public Mismatches mismatches() {
        return mismatches;
    }

    public long verifyErrors() {
        return verifyErrors.sum();
    }

    /** Stops after the block in progress. Idempotent. The buffer is freed with this object. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
