package kiln.stress.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The memory stressor's fault models, registered once by name, in the order {@code all} runs
 * them. {@code kiln.memory.patterns} names the ones to run ({@link #parse}); the worker makes
 * them with {@link #make}. Thread-safe.
 */
public final class Patterns {
    /** What a pattern may be configured with. @param bitFadeWait how long bit fade leaves the memory alone */
    public record Options(Duration bitFadeWait) {
        public static final Options DEFAULT = new Options(Duration.ofMinutes(5));
    }

    /** The setting word for every registered pattern. */
    public static final String ALL = "all";

    /** What runs when nothing is said: every fault model that keeps the bus busy (bit fade idles, so it is the burn-in profile's). */
    public static final List<String> DEFAULT = List.of(OwnAddress.NAME, MovingInversions.NAME, RandomData.NAME, CopyCheck.NAME);

    private static final java.util.regex.Pattern NAME_RULE = java.util.regex.Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Map<String, Function<Options, Pattern>> REGISTRY = new LinkedHashMap<>();

    static {
        register(OwnAddress.NAME, o -> new OwnAddress());
        register(MovingInversions.NAME, o -> new MovingInversions());
        register(RandomData.NAME, o -> new RandomData());
        register(CopyCheck.NAME, o -> new CopyCheck());
        register(BitFade.NAME, o -> new BitFade(o.bitFadeWait()));
    }

    private Patterns() {
    }

    /**
     * Adds a pattern under {@code name}: lower-case letters and digits in words joined by '-'.
     *
     * @throws IllegalArgumentException for a bad or taken name
     */
    public static synchronized void register(String name, Function<Options, Pattern> make) {
        if (!NAME_RULE.matcher(name).matches() || name.equals(ALL)) {
            throw new IllegalArgumentException("memory pattern name " + name + ": expected lower-case words joined by '-', not 'all'");
        }
        if (REGISTRY.putIfAbsent(name, make) != null) {
            throw new IllegalArgumentException("memory pattern " + name + " is registered already");
        }
        kiln.link.Catalog.addMemoryPattern(name);
    }

    /** Every registered name, in registration order. */
    public static synchronized List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /**
     * The names a setting asks for: {@code all}, or names separated by commas.
     *
     * @throws IllegalArgumentException naming the rule, for an unknown name, a repeat or nothing
     */
    public static List<String> parse(String text) {
        List<String> known = names();
        String rule = "expected all or one or more of " + String.join(", ", known) + ", separated by commas";
        if (text.trim().equals(ALL)) {
            return known;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            String name = part.trim();
            if (!known.contains(name) || !out.add(name)) {
                throw new IllegalArgumentException(rule + (name.isEmpty() ? "" : out.contains(name) && known.contains(name)
                        ? " (" + name + " given twice)" : " (" + name + " is none of them)"));
            }
        }
        return List.copyOf(out);
    }

    /** The patterns named, made with {@code options}. @throws IllegalArgumentException for an unknown name */
    public static synchronized List<Pattern> make(List<String> names, Options options) {
        List<Pattern> out = new ArrayList<>();
        for (String n : names) {
            var make = REGISTRY.get(n);
            if (make == null) {
                throw new IllegalArgumentException("no memory pattern " + n);
            }
            out.add(make.apply(options));
        }
        return out;
    }

    /** The name as a wire field (frames allow no '-'): {@code own_address}. */
    public static String wireName(String name) {
        return name.replace('-', '_');
    }

    /** The name back from its wire field. */
    public static String fromWire(String field) {
        return field.replace('_', '-');
    }
}
