package kiln.sampler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A kernel source that gives one evidence source: it reads that source's counters by place, none where the machine lacks it. */
public abstract class SingleSourceReader implements EvidenceReader {
    private final Evidence.Source source;

    protected SingleSourceReader(Evidence.Source source) {
        this.source = source;
    }

    @Override
    public final List<Evidence.Source> sources() {
        return List.of(source);
    }

    @Override
    public final Map<Evidence.Source, Map<String, Long>> read(Path root) {
        Map<String, Long> counters = counters(root);
        return counters.isEmpty() ? Map.of() : Map.of(source, counters);
    }

    /** The counters by place under {@code root}; empty when this machine does not have the source. Never throws. */
    protected abstract Map<String, Long> counters(Path root);
}
