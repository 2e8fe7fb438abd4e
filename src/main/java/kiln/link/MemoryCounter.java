package kiln.link;

/**
 * What the memory stressor counts per pattern: complete passes, bytes moved, wrong words. On the
 * wire {@code mem.<pattern>.<word>} (the pattern's '-' as '_').
 */
public enum MemoryCounter {
    PASSES, BYTES, ERRORS;

    private final String word = Words.of(this);

    public String word() {
        return word;
    }

    /** The stats key of this counter of {@code pattern}: {@code own-address.bytes}. */
    public String of(String pattern) {
        return pattern + "." + word;
    }
}
