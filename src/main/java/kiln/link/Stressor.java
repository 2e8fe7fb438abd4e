package kiln.link;

import java.util.Locale;
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

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }

    /** The stressor named {@code word} (as in {@link #label()}), if any. */
    public static Optional<Stressor> parse(String word) {
        for (Stressor s : values()) {
            if (s.label.equals(word)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
