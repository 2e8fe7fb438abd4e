package kiln.sampler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One kernel source of hardware evidence (EDAC, {@code /proc/interrupts}, thermal_throttle, a
 * cgroup's {@code cpu.stat}, the OOM killer's counts), as node_exporter's collectors are: it owns
 * its parsing, says which {@link Evidence.Source}s it gives, and leaves out any this machine does
 * not have. Registered once in {@link EvidenceSources}. Implementations are stateless and thread-safe.
 */
public interface EvidenceReader {
    /** The sources it gives, in the order reports list them. */
    List<Evidence.Source> sources();

    /**
     * Reads its files under {@code root} ("/" on the machine): per source this machine has, its
     * counters by place. A source it cannot read is absent, never 0. Never throws.
     */
    Map<Evidence.Source, Map<String, Long>> read(Path root);
}
