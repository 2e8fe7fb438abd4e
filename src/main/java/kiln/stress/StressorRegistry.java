package kiln.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import kiln.link.Stressor;
import kiln.link.WorkerSpec;
import kiln.stress.files.FilesPlugin;

/**
 * Which stressors a worker can run, as node_exporter registers its collectors: each one line with
 * its {@link Stressor} word, when a {@link WorkerSpec} turns it on, and how it is made. A worker
 * runs the enabled ones in registration order and stops them in reverse. Immutable.
 */
public final class StressorRegistry {

    /**
     * One stressor.
     *
     * @param key     its word on the wire, in metrics and reports
     * @param enabled whether a worker's spec turns it on
     * @param make    makes it, unprepared, for a spec that turns it on (cheap: {@link StressorPlugin#prepare} does the work)
     */
    public record Entry(Stressor key, Predicate<WorkerSpec> enabled, Function<WorkerSpec, StressorPlugin> make) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(enabled, "enabled");
            Objects.requireNonNull(make, "make");
        }
    }

    /** The stressors kiln ships; files first, so that the disk is busy before the CPUs heat up. */
    public static final StressorRegistry BUILT_IN = empty()
            .register(Stressor.FILES, spec -> spec.files().enabled(), FilesPlugin::new)
            .register(Stressor.CPU, spec -> spec.cpu().enabled(), CpuPlugin::new)
            .register(Stressor.MEMORY, spec -> spec.memoryBytes() > 0, MemoryPlugin::new);

    private final List<Entry> entries;

    private StressorRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static StressorRegistry empty() {
        return new StressorRegistry(List.of());
    }

    /**
     * This registry and one more stressor.
     *
     * @throws IllegalArgumentException when {@code key} is registered already
     */
    public StressorRegistry register(Stressor key, Predicate<WorkerSpec> enabled, Function<WorkerSpec, StressorPlugin> make) {
        if (entries.stream().anyMatch(e -> e.key() == key)) {
            throw new IllegalArgumentException("stressor " + key.label() + " is registered twice");
        }
        List<Entry> more = new ArrayList<>(entries);
        more.add(new Entry(key, enabled, make));
        return new StressorRegistry(more);
    }

    /** Every stressor, in registration order. */
    public List<Entry> entries() {
        return entries;
    }
}
