package kiln.stress;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One kind of CPU work a burner checks: its work, its known answers and its unit. Each method is
 * one class (the built-in ones in {@code kiln.stress.cpu}), registered once in
 * {@code kiln.stress.cpu.CpuMethods}; everything else iterates {@link #values()}. {@link #word()}
 * is the name in the configuration ({@code kiln.cpu.method}), on the wire ({@code ops.<word>}), in
 * metric labels and reports.
 *
 * <p>A unit of work is (method, seed): {@link Work#run} computes from a seed a fixed vector of
 * 64-bit result words, and {@link #answer} gives, for every seed in {@link #seeds()}, the words a
 * healthy CPU computes. The answers are constants in the method's class, deterministic IEEE,
 * integer or crypto results checked by unit tests, never computed on the core under test. A result
 * word is an element; methods that compute vectors say how many lanes an element group has
 * ({@link #lanes()}), so a miscompare names the lane. Instances are immutable and thread-safe.
 */
public abstract class CpuMethod implements kiln.link.CpuMethodInfo {
    /** The setting that rotates through every method, in registration order. */
    public static final String ALL = kiln.link.WorkerSpec.Cpu.ALL_METHODS;

    private static final List<CpuMethod> REGISTERED = new CopyOnWriteArrayList<>();

    /** The seeds of the built-in methods that compute from a seed: one per row of their answer tables. */
    protected static final long[] STANDARD_SEEDS = {0x5DEECE66DL, 0x1L, 0xC0FFEEL, 0x2545F4914F6CDD1DL};

    private final String word;
    private final long[] givenSeeds;
    private final long[][] givenAnswers;
    private final Measure givenMeasure;
    private final long givenPerOp;

    /** A method that overrides {@link #seeds()} and {@link #answers()} (and its measure) itself. */
    protected CpuMethod(String word) {
        this.word = word;
        this.givenSeeds = null;
        this.givenAnswers = null;
        this.givenMeasure = Measure.OPS;
        this.givenPerOp = 0;
    }

    /**
     * A method with a row of known answers for each of {@link #STANDARD_SEEDS}, measured in
     * {@code measure} ({@code perOp} flops or bytes an op; 0 with {@link Measure#OPS}).
     */
    protected CpuMethod(String word, long[][] answers, Measure measure, long perOp) {
        this(word, STANDARD_SEEDS, answers, measure, perOp);
    }

    /** A method with a row of known answers for each of {@code seeds}, measured as above. */
    protected CpuMethod(String word, long[] seeds, long[][] answers, Measure measure, long perOp) {
        if (answers.length != seeds.length) {
            throw new IllegalArgumentException("cpu method " + word + ": " + answers.length + " rows of answers for "
                    + seeds.length + " seeds");
        }
        this.word = word;
        this.givenSeeds = seeds.clone();
        this.givenAnswers = answers;
        this.givenMeasure = measure;
        this.givenPerOp = perOp;
    }

    @Override
    public final String word() {
        return word;
    }

    /** The seeds that have known answers, in the order burners run them; at least one. */
    public long[] seeds() {
        if (givenSeeds == null) {
            throw new IllegalStateException("cpu method " + word + " gives no seeds");
        }
        return givenSeeds.clone();
    }

    /**
     * The result words of {@code seed} on a healthy CPU (a copy).
     *
     * @throws IllegalArgumentException for a seed without a known answer
     */
    public final long[] answer(long seed) {
        long[][] table = answers();
        long[] seeds = seeds();
        for (int i = 0; i < seeds.length; i++) {
            if (seeds[i] == seed) {
                return table[i].clone();
            }
        }
        throw new IllegalArgumentException("cpu method " + word + " has no known answer for seed " + Long.toHexString(seed)
                + " (seeds: " + seedList() + ")");
    }

    /** The answers, one row per seed in {@link #seeds()} order; the caller does not modify them. */
    protected long[][] answers() {
        if (givenAnswers == null) {
            throw new IllegalStateException("cpu method " + word + " gives no answers");
        }
        return givenAnswers;
    }

    /** Whether {@code seed} has a known answer here. */
    public final boolean knows(long seed) {
        for (long s : seeds()) {
            if (s == seed) {
                return true;
            }
        }
        return false;
    }

    /** The seeds in hex, for messages: {@code 5deece66d, 1}. */
    public final String seedList() {
        return String.join(", ", Arrays.stream(seeds()).mapToObj(Long::toHexString).toList());
    }

    /** Result words per element group: the vector width for vector methods, 1 for scalar ones. */
    public int lanes() {
        return 1;
    }

    @Override
    public Measure measure() {
        return givenMeasure;
    }

    @Override
    public long perOp() {
        return givenPerOp;
    }

    /** How this JVM runs the method: the instruction path or the fallback, and why ("AES-NI intrinsic"). */
    public String path() {
        return "Java";
    }

    /** A fresh instance of the work, for one thread. */
    public abstract Work newWork();

    /** The work of a method for one thread: not thread-safe. */
    public abstract static class Work {
        /**
         * Does one unit of work (tens of microseconds to a millisecond, so a duty cycle stops near its target).
         *
         * @param out receives the result words; as long as the method's answers
         */
        public abstract void run(long seed, long[] out);
    }

    /**
     * Adds a method to the registry: for a built-in one, {@code CpuMethods}; for a test, its own.
     *
     * @throws IllegalArgumentException when the word is taken or is {@link #ALL}
     */
    public static void register(CpuMethod m) {
        synchronized (REGISTERED) {
            if (ALL.equals(m.word) || parse(m.word).isPresent()) {
                throw new IllegalArgumentException("cpu method word taken: " + m.word);
            }
            REGISTERED.add(m);
            kiln.link.Catalog.add(m);
        }
    }

    /** Removes a method a test registered. */
    public static void unregister(CpuMethod m) {
        synchronized (REGISTERED) {
            REGISTERED.remove(m);
            kiln.link.Catalog.remove(m);
        }
    }

    /** Every registered method, built-in ones first, in registration order. */
    public static List<CpuMethod> values() {
        kiln.stress.cpu.CpuMethods.load();
        return List.copyOf(REGISTERED);
    }

    /** The method named {@code word}, if any. */
    public static Optional<CpuMethod> parse(String word) {
        kiln.stress.cpu.CpuMethods.load();
        for (CpuMethod m : REGISTERED) {
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
            return values();
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

    /**
     * The first element where {@code actual} differs from {@code expected}, or -1.
     */
    public static int firstDifference(long[] expected, long[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                return i;
            }
        }
        return -1;
    }

    /** How many elements differ. */
    public static int differences(long[] expected, long[] actual) {
        int n = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return word;
    }
}
