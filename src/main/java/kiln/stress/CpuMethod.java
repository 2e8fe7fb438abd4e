package kiln.stress;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of CPU work a burner checks, each with its known answer. {@link #word()} is the name
 * in the configuration ({@code kiln.cpu.method}), on the wire ({@code ops.<word>}), in metric
 * labels and reports; everywhere else the enum is compared, never the word.
 */
public enum CpuMethod {
    /** Integer multiply, add, xor-shift, rotate and divide: the ALU and the divider. */
    INT("int", 0x15f7b6903b7ce3aeL),
    /** 48x48 double matrix multiply: the floating-point units and L1 cache. */
    FLOAT("float", 0x7670507372afdbdaL),
    /** SHA-256 chained over an 8 KiB block: the hashing units (SHA-NI where present). */
    SHA256("sha256", 0xcd04f88833855c4eL),
    /** 600! with BigInteger: multi-word multiply and allocation. */
    FACTORIAL("factorial", 0x2cd85204L);

    /** The setting that rotates through every method, in declaration order. */
    public static final String ALL = "all";

    private final String word;
    private final long expected;

    CpuMethod(String word, long expected) {
        this.word = word;
        this.expected = expected;
    }

    public String word() {
        return word;
    }

    /** The result every {@code op} of this method must give. */
    public long expected() {
        return expected;
    }

    /** A fresh instance of the work, for one thread. */
    CpuWork newWork() {
        return switch (this) {
            case INT -> new CpuWork.IntegerMix();
            case FLOAT -> new CpuWork.MatrixMultiply();
            case SHA256 -> new CpuWork.Sha256Chain();
            case FACTORIAL -> new CpuWork.Factorial();
        };
    }

    /** The method named {@code word}, if any. */
    public static Optional<CpuMethod> parse(String word) {
        for (CpuMethod m : values()) {
            if (m.word.equals(word)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * The methods a {@code kiln.cpu.method} setting runs: every one for {@link #ALL}, else the one it names.
     *
     * @throws IllegalArgumentException for a word that is neither
     */
    public static List<CpuMethod> select(String setting) {
        if (ALL.equals(setting)) {
            return List.of(values());
        }
        return List.of(parse(setting).orElseThrow(() ->
                new IllegalArgumentException("unknown cpu method: " + setting + " (expected one of " + settingWords() + ")")));
    }

    /** Every word the setting accepts: the methods' words, then {@link #ALL}. */
    public static Set<String> settingWords() {
        Set<String> words = new LinkedHashSet<>();
        for (CpuMethod m : values()) {
            words.add(m.word);
        }
        words.add(ALL);
        return words;
    }
}
