package kiln.stress;

import java.util.EnumMap;
import java.util.Map;
import kiln.link.Stressor;
import kiln.link.FileStats;
import kiln.link.WorkerStats;

/**
 * One stats frame being built: each running stressor puts its part in, the rest stay empty. One
 * per frame, filled by one thread.
 */
public final class StatsParts {
    private final long tamperedAtStart;
    private FileStats files;
    private WorkerStats.Cpu cpu = WorkerStats.Cpu.NONE;
    private long memoryBytes;
    private Map<String, Long> memoryPatterns = Map.of();
    private final Map<Stressor, Long> verifyErrors = new EnumMap<>(Stressor.class);

    /** @param tamperedAtStart links or files refused where this life's directory should be */
    public StatsParts(long tamperedAtStart) {
        this.tamperedAtStart = tamperedAtStart;
    }

    /** Tampering refused before any stressor ran: counted with the file storm's errors, or alone. */
    public long tamperedAtStart() {
        return tamperedAtStart;
    }

    public void files(FileStats part) {
        files = part;
    }

    public void cpu(WorkerStats.Cpu part) {
        cpu = part;
    }

    /** @param bytes written plus read back; @param patterns per pattern, as {@link WorkerStats#memoryPatterns} */
    public void memory(long bytes, Map<String, Long> patterns) {
        memoryBytes = bytes;
        memoryPatterns = patterns;
    }

    public void verifyErrors(Stressor stressor, long count) {
        verifyErrors.put(stressor, count);
    }

    public WorkerStats build(long seq, long processCpuNanos) {
        FileStats f = files != null ? files
                : tamperedAtStart > 0 ? FileStats.builder().error(kiln.link.FileOp.TAMPER, tamperedAtStart).build()
                : FileStats.NONE;
        return new WorkerStats(seq, f, cpu, memoryBytes, verifyErrors, processCpuNanos, memoryPatterns);
    }
}
