package kiln.stress;

import java.util.Locale;

/** What the memory stressor writes, one pattern per pass in turn; {@link #label()} names it in logs. */
public enum MemoryPattern {
    /** one bit set per word, moving one place per word and per pass */
    WALKING_ONES,
    /** alternating 1010… and 0101… words: every bit next to its opposite */
    CHECKERBOARD,
    /** seeded pseudo-random words, different every pass */
    RANDOM;

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String label() {
        return label;
    }

    /** The pattern of pass {@code pass}. */
    static MemoryPattern forPass(long pass) {
        MemoryPattern[] all = values();
        return all[(int) (pass % all.length)];
    }

    /**
     * The value of word {@code index} during pass {@code p}. A switch on the enum (a jump on its
     * ordinal, predicted perfectly within a pass), not on a string: this runs for every word.
     */
    long word(long p, long index) {
        return switch (this) {
            case WALKING_ONES -> 1L << ((index + p) & 63);
            case CHECKERBOARD -> ((index + p) & 1) == 0 ? 0xAAAAAAAAAAAAAAAAL : 0x5555555555555555L;
            case RANDOM -> splitmix(0x6b696c6eL + p * 0x9E3779B97F4A7C15L + index);
        };
    }

    private static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
