package kiln.app;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import kiln.sampler.Evidence;
import kiln.sampler.HostFacts;
import kiln.sampler.MemoryLimits;

/**
 * What a run reads of the machine it runs on: the limits it is fitted to before it starts, the
 * hardware's evidence before and after, its identity and clocks for the report, and the wall
 * clock. One seam, so that the lifecycle (and the daemon's state machine) runs in tests on facts
 * the test chooses; {@link #SYSTEM} reads this machine. Implementations are thread-safe.
 */
interface Host {
    /** The cgroup's CPU quota in cores, empty when there is none. */
    Optional<Double> cpuQuotaCores();

    /** Logical CPUs this JVM may use. */
    int processors();

    /** Memory installed and available, the cgroup's limit included. */
    MemoryLimits memoryLimits();

    /** The page size in bytes. */
    long pageSize();

    /** The type of the file system {@code dir} is (or would be made) on, "" when it cannot be read. */
    String fileSystemType(Path dir);

    /** The hardware's error and throttling counters now; a source the machine lacks is absent. */
    Evidence evidence();

    /** The CPUs' rated maximum clock in Hz, empty where the machine does not say (most VMs). */
    Optional<Double> maxCpuHz();

    /** Hostname, kernel, CPU model, microcode, cores, memory. */
    HostFacts facts();

    /** Serial numbers and models of the machine's parts, for the report's identity. */
    Map<String, Object> hardware();

    /** Each core's clock now, in Hz, by cpu. */
    Map<String, Long> coreClocksHz();

    /** The wall clock: the run's start and end as the report says them. */
    Instant now();

    /** This machine. */
    Host SYSTEM = new Host() {
        private final Path root = Path.of("/");

        @Override
        public Optional<Double> cpuQuotaCores() {
            return kiln.sampler.CpuQuota.cores();
        }

        @Override
        public int processors() {
            return Runtime.getRuntime().availableProcessors();
        }

        @Override
        public MemoryLimits memoryLimits() {
            return MemoryLimits.read();
        }

        @Override
        public long pageSize() {
            return MemoryLimits.pageSize();
        }

        @Override
        public String fileSystemType(Path dir) {
            return Budget.fileSystemType(dir);
        }

        @Override
        public Evidence evidence() {
            return Evidence.read();
        }

        @Override
        public Optional<Double> maxCpuHz() {
            return FrequencyDrop.maxHz(root);
        }

        @Override
        public HostFacts facts() {
            return HostFacts.read();
        }

        @Override
        public Map<String, Object> hardware() {
            return kiln.sampler.MachineInventory.serials(root);
        }

        @Override
        public Map<String, Long> coreClocksHz() {
            return kiln.sampler.MachineInventory.coreFrequenciesHz(root);
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };
}
