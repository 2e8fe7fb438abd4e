package kiln.sampler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of evidence readers: every kernel source kiln reads, one line each. The verdict,
 * the metrics and the reports iterate what a reading consulted ({@link Evidence#consulted()}), so a
 * new source is its reader's file and one line here. Immutable and thread-safe.
 */
public final class EvidenceSources {
    /** kiln's own sources, in the order reports list them. */
    public static final EvidenceSources BUILT_IN = new EvidenceSources(List.of(
            new Edac(),
            new Interrupts(),
            new ThermalThrottle(),
            new CgroupCpuStat(),
            new OomKills()));

    private final List<EvidenceReader> readers;
    private final List<Evidence.Source> sources;

    private EvidenceSources(List<EvidenceReader> readers) {
        this.readers = List.copyOf(readers);
        List<Evidence.Source> all = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (EvidenceReader r : this.readers) {
            for (Evidence.Source s : r.sources()) {
                if (!labels.add(s.label())) {
                    throw new IllegalArgumentException("evidence source label registered twice: " + s.label());
                }
                all.add(s);
            }
        }
        this.sources = List.copyOf(all);
    }

    /** These readers and {@code more} after them. */
    public EvidenceSources with(EvidenceReader more) {
        List<EvidenceReader> all = new ArrayList<>(readers);
        all.add(more);
        return new EvidenceSources(all);
    }

    /** Every source its readers give, in order. */
    public List<Evidence.Source> sources() {
        return sources;
    }

    /** The source of that label, if one is registered. */
    public Optional<Evidence.Source> byLabel(String label) {
        return sources.stream().filter(s -> s.label().equals(label)).findFirst();
    }

    /**
     * Reads every source under {@code root}. A reader that fails is taken as having nothing: a
     * burn-in's verdict does not hang on one unreadable kernel file. Never throws.
     */
    public Evidence read(Path root) {
        Map<Evidence.Source, Map<String, Long>> m = new LinkedHashMap<>();
        for (EvidenceReader r : readers) {
            try {
                r.read(root).forEach((s, counters) -> {
                    if (sources.contains(s)) {
                        m.put(s, counters);
                    }
                });
            } catch (RuntimeException e) {
                // that reader's sources are unavailable
            }
        }
        return new Evidence(sources, m);
    }
}
