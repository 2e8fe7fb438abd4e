package kiln.stress;

import java.time.Duration;
import java.util.List;
import kiln.link.WorkerSpec;
import kiln.stress.memory.Patterns;
import kiln.util.Sizes;

/** The memory stressor as a worker's stressor: {@link MemoryStress} over a buffer of the spec's size. */
final class MemoryPlugin implements StressorPlugin {
    private final WorkerSpec spec;
    private MemoryStress memory;

    MemoryPlugin(WorkerSpec spec) {
        this.spec = spec;
    }

    @Override
    public void prepare() {
        WorkerSpec.Memory m = spec.memory();
        memory = new MemoryStress(spec.id(), spec.memoryBytes(),
                m.patterns().isBlank() ? Patterns.DEFAULT : List.of(m.patterns().split(",")),
                new Patterns.Options(Duration.ofMillis(m.bitFadeMillis())));
    }

    @Override
    public void start() {
        memory.start();
    }

    @Override
    public long stop(Duration budget) {
        memory.close();
        return 0;
    }

    @Override
    public void injectFault(long offset) {
        memory.injectFault(offset);
    }

    @Override
    public Mismatches mismatches() {
        return memory.mismatches();
    }

    @Override
    public long verifyErrors() {
        return memory.verifyErrors();
    }

    @Override
    public void addTo(StatsParts stats) {
        stats.memory(memory.bytes(), memory.patternStats());
    }

    @Override
    public String describe() {
        return Sizes.human(memory.sizeBytes()) + " (" + memory.kind() + "; " + memory.describe() + ")";
    }
}
