package kiln.link;

import java.util.Optional;

/**
 * The file path a worker's storm takes: the kernel's calls through the FFM API (JDK 22+), the
 * JDK's descriptor-relative NIO, or none with files off. {@link #word()} is the word of the hello
 * frame ({@code io=native}), the metric tag and the report.
 */
public enum IoPath {
    NATIVE, NIO, NONE;

    private final String word = Words.of(this);

    public String word() {
        return word;
    }

    /** The path named {@code word}, if any. */
    public static Optional<IoPath> parse(String word) {
        return Words.parse(IoPath.class, word);
    }
}
