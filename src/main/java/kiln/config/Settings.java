package kiln.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything kiln runs with, validated and immutable. Built only by {@link SettingsLoader}.
 *
 * @param workers worker JVMs
 * @param files   the file-creation stressor
 * @param cpu     the CPU burners
 * @param run     what {@code kiln run} does
 * @param http    the metrics and control server
 * @param sampler the hardware sampler
 */
public record Settings(Workers workers, Files files, Cpu cpu, Run run, Http http, Sampler sampler) {

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
     */
    public record Files(boolean enabled, Path dir, int sizeBytes, int inFlight, int threads,
                        long maxFiles, long minFreeBytes, boolean fsync) {
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
     * @param duration how long {@code kiln run} stresses
     * @param report   JSON report path, or null for none
     */
    public record Run(Duration duration, Path report) {
    }

    /**
     * @param host address to bind
     * @param port port to bind, 0 = any free port
     */
    public record Http(String host, int port) {
    }

    /** @param interval time between two hardware readings */
    public record Sampler(Duration interval) {
    }
}
