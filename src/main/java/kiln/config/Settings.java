package kiln.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything kiln runs with, validated and immutable. Built only by {@link SettingsLoader}.
 *
 * @param workers worker JVMs
 * @param files   the file-creation stressor
 * @param cpu     the CPU burners
 * @param memory  the RAM stressor
 * @param run     what {@code kiln run} does
 * @param http    the metrics and control server
 * @param ready   the warm-up readiness rule
 * @param sampler the hardware sampler
 * @param verdict what the verdict tolerates
 * @param screen  the daemon's screening of one core at a time
 */
public record Settings(Workers workers, Files files, Cpu cpu, Memory memory, Run run, Http http, Ready ready,
                       Sampler sampler, Verdict verdict, Screen screen) {

    /**
     * The daemon's screening: short bursts of every CPU method and a small memory check on a few
     * cores at a time, rotating so that every core is covered within {@code window}.
     *
     * @param enabled     screen at all (the daemon only)
     * @param coresAtOnce cores screened together, one pinned worker JVM each
     * @param window      time within which every core is screened once
     * @param burst       how long each CPU method runs, and the memory check's buffer
     * @param limits      when a screen may start
     * @param fault       a fault injected into every screen of one core, to prove screening catches it
     */
    public record Screen(boolean enabled, int coresAtOnce, Duration window, Burst burst, Limits limits, Fault fault) {
        /** Screening off, the rest at the reference defaults. */
        public static final Screen OFF = new Screen(false, 1, Duration.ofHours(24), new Burst(Duration.ofSeconds(2), 16L << 20),
                new Limits(50, 1), Fault.NONE);

        /** @param perMethod time each CPU method runs; @param memoryBytes the memory check's buffer, 0 = none */
        public record Burst(Duration perMethod, long memoryBytes) {
        }

        /**
         * @param maxLoadPercent the machine's CPU busy share (all cores, percent) above which no screen starts,
         *                       and a screen in progress stops
         * @param dutyPercent    the most of the machine's CPU time screening uses, averaged over screens and the gaps between
         */
        public record Limits(int maxLoadPercent, double dutyPercent) {
        }

        /** @param target a stressor's word or {@code cpu:<method>}, "" for none; @param cpu the core whose screens get it */
        public record Fault(String target, int cpu) {
            public static final Fault NONE = new Fault("", 0);
        }
    }

    /**
     * @param maxCorrectedErrors corrected memory errors (EDAC) a run may see and still not fail; any is degraded
     * @param maxThrottleEvents  thermal throttle events a run may see and still pass
     * @param slowCorePercent    how far below its siblings' median a core's rate may be before the run is degraded
     */
    public record Verdict(long maxCorrectedErrors, long maxThrottleEvents, int slowCorePercent) {
        public static final Verdict DEFAULT = new Verdict(0, 0, 15);
    }

    /**
     * @param count     worker JVMs, at least 1 ({@code auto} is resolved to the logical core count)
     * @param pin       pin worker i to cpu i with taskset where it exists
     * @param heapBytes maximum heap of one worker before the churn bookkeeping is added
     */
    public record Workers(int count, boolean pin, long heapBytes) {
    }

    /**
     * @param enabled      run the file stressor
     * @param dir          where files go, absolute and normalised
     * @param sizeBytes    payload of one file
     * @param inFlight     creations in flight per worker (semaphore permits)
     * @param threads      writer threads per worker; 0 = choose for the mode
     * @param maxFiles     files kept per worker before the oldest are deleted
     * @param minFreeBytes usable-space floor of the target file system
     * @param fsync        fsync every file
     * @param verify       read back a sample of files and check their checksum
     * @param minFreeInodes free-inode floor of the target file system
     */
    public record Files(boolean enabled, Path dir, int sizeBytes, int inFlight, int threads,
                        long maxFiles, long minFreeBytes, boolean fsync, boolean verify, InodeFloor minFreeInodes) {
    }

    /**
     * The free-inode floor, as a count or as a share of the file system's inodes (exactly one is
     * used: a percentage when {@code percent > 0}).
     *
     * @param count   inodes to leave free, when given as a count (0 = no floor)
     * @param percent percent of the file system's inodes to leave free, 0 when given as a count
     */
    public record InodeFloor(long count, double percent) {
        /** The floor on a file system of {@code totalInodes} inodes (0 when it counts none: no floor there). */
        public long on(long totalInodes) {
            if (totalInodes <= 0) {
                return 0;
            }
            return percent > 0 ? (long) Math.ceil(totalInodes * percent / 100) : count;
        }

        /** As an operator writes it: {@code 5%} or {@code 10000}. */
        @Override
        public String toString() {
            return percent > 0 ? new java.math.BigDecimal(Double.toString(percent)).stripTrailingZeros().toPlainString() + "%" : Long.toString(count);
        }
    }

    /**
     * RAM to stress in total, as bytes or as a share of physical memory (exactly one is non-zero).
     *
     * @param bytes   a fixed size, 0 when given as a percentage or off
     * @param percent a share of physical memory 0..90, 0 when given as a size or off
     * @param patterns the fault models to run, by name, in the order they run pass after pass
     * @param bitFade  how long the bit-fade pattern leaves the memory untouched before it checks
     */
    public record Memory(long bytes, double percent, java.util.List<String> patterns, Duration bitFade) {
        /** What runs unless {@code kiln.memory.patterns} says otherwise. */
        public static final java.util.List<String> DEFAULT_PATTERNS = kiln.stress.memory.Patterns.DEFAULT;
        /** {@code kiln.memory.bit-fade}'s default. */
        public static final Duration DEFAULT_BIT_FADE = kiln.stress.memory.Patterns.Options.DEFAULT.bitFadeWait();

        public Memory {
            patterns = java.util.List.copyOf(patterns);
        }

        /** The default patterns. */
        public Memory(long bytes, double percent) {
            this(bytes, percent, DEFAULT_PATTERNS, DEFAULT_BIT_FADE);
        }

        public Memory with(java.util.List<String> patterns, Duration bitFade) {
            return new Memory(bytes, percent, patterns, bitFade);
        }

        public boolean enabled() {
            return bytes > 0 || percent > 0;
        }
    }

    /**
     * @param window    how far back trends are judged
     * @param tolerance largest allowed relative trend across the window, e.g. 0.05
     */
    public record Ready(Duration window, double tolerance) {
    }

    /**
     * @param enabled run the burners
     * @param load    target busy percentage of each burner, 0..100
     * @param method  burner method name
     * @param threads burner threads per worker
     */
    public record Cpu(boolean enabled, int load, String method, int threads) {
    }

    /**
     * @param profile     preset applied, or "" for none
     * @param duration    how long {@code kiln run} stresses (with untilReady: the longest it waits)
     * @param ramp        time for the CPU load to rise linearly to its target, zero for at once
     * @param untilReady  stop as soon as the machine is warm
     * @param injectFault stressor to corrupt one result of on purpose, or "" for none
     * @param report      JSON report path, or null for none
     */
    public record Run(String profile, Duration duration, Duration ramp, boolean untilReady, String injectFault,
                      Path report) {
    }

    /**
     * @param host      address to bind
     * @param port      port to bind, 0 = any free port
     * @param token     bearer token for control endpoints, "" when not set (the daemon then takes
     *                  KILN_TOKEN or its token file)
     * @param tokenFile where the daemon keeps its generated token; null for the default
     *                  ({@code kiln.http.ControlToken#defaultFile})
     * @param portGiven whether the port was chosen (a flag, the file or the API) rather than the default:
     *                  a taken default port falls back to a free one, a chosen one is an error
     */
    public record Http(String host, int port, String token, Path tokenFile, boolean portGiven) {
    }

    /** @param interval time between two hardware readings */
    public record Sampler(Duration interval) {
    }
}
