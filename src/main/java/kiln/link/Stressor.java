package kiln.link;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stressors a worker runs. {@link #label()} is the word used on the wire ({@code fault
 * stressor=files}, {@code verify.files=N}), in metric labels, reports and the configuration;
 * everywhere else the enum is compared, never the word. Each word has one line in the worker's
 * {@code kiln.stress.StressorRegistry} (when a spec turns it on, how it is made) and one in the
 * reports' {@code kiln.report.StressorRows}; tests fail when either is missing.
 */
public enum Stressor {
    CPU, FILES, MEMORY;

    private final String label = Words.of(this);

    public String label() {
        return label;
    }

    /** The stressor named {@code word} (as in {@link #label()}), if any. */
    public static Optional<Stressor> parse(String word) {
        return Words.parse(Stressor.class, word);
    }

    /** A copy of {@code counts} keyed in the enum's order (an {@link EnumMap} cannot be made from an empty map). */
    public static EnumMap<Stressor, Long> mapOf(Map<Stressor, Long> counts) {
        EnumMap<Stressor, Long> out = new EnumMap<>(Stressor.class);
        out.putAll(counts);
        return out;
    }

    /** {@code a} plus {@code b}, key by key. */
    public static EnumMap<Stressor, Long> sum(Map<Stressor, Long> a, Map<Stressor, Long> b) {
        EnumMap<Stressor, Long> out = mapOf(a);
        b.forEach((k, v) -> out.merge(k, v, Long::sum));
        return out;
    }

    /** The same counts keyed by {@link #label()}, in the enum's order (which is the labels'): for JSON. */
    public static Map<String, Long> byLabel(Map<Stressor, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        mapOf(counts).forEach((k, v) -> out.put(k.label(), v));
        return out;
    }
}
