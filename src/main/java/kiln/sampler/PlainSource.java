package kiln.sampler;

import java.util.List;

/** A source whose counts add up place by place: the common case. */
record PlainSource(String label, String description, Evidence.Kind kind, String noun, List<Evidence.Series> series)
        implements Evidence.Source {
    PlainSource {
        series = List.copyOf(series);
    }
}
