package kiln.link;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The plug-in families' members as the supervisor side sees them: CPU methods and memory
 * patterns, in registration order. The families' registries ({@code kiln.stress.CpuMethod},
 * {@code kiln.stress.memory.Patterns}) add each member here as they register it, so a new member
 * is still one class and one registry line. The built-in members are registered by the
 * {@link BuiltIns} the class path provides ({@code META-INF/services}), on first use: the
 * supervisor's packages need not name the worker's classes to see them. Thread-safe.
 */
public final class Catalog {
    /** Registers the built-in members of every family; found with {@link ServiceLoader}. */
    public interface BuiltIns {
        void load();
    }

    private static final List<CpuMethodInfo> CPU_METHODS = new CopyOnWriteArrayList<>();
    private static final List<String> MEMORY_PATTERNS = new CopyOnWriteArrayList<>();

    private Catalog() {
    }

    /** Loaded once, by the first thread that asks (class initialization serializes it). */
    private static final class Loaded {
        static {
            for (BuiltIns b : ServiceLoader.load(BuiltIns.class, Catalog.class.getClassLoader())) {
                b.load();
            }
        }

        static void ensure() {
            // the static initializer has run by now
        }
    }

    /** Every registered CPU method, built-in ones first, in registration order. */
    public static List<CpuMethodInfo> cpuMethods() {
        Loaded.ensure();
        return List.copyOf(CPU_METHODS);
    }

    /** The registered CPU method named {@code word}, if any. */
    public static Optional<CpuMethodInfo> cpuMethod(String word) {
        return cpuMethods().stream().filter(m -> m.word().equals(word)).findFirst();
    }

    /** Every registered memory pattern's name, in registration order. */
    public static List<String> memoryPatterns() {
        Loaded.ensure();
        return List.copyOf(MEMORY_PATTERNS);
    }

    /** Called by the CPU methods' registry, for each method it registers. */
    public static void add(CpuMethodInfo method) {
        CPU_METHODS.add(method);
    }

    /** Called by the CPU methods' registry when a test takes its method away. */
    public static void remove(CpuMethodInfo method) {
        CPU_METHODS.remove(method);
    }

    /** Called by the memory patterns' registry, for each pattern it registers. */
    public static void addMemoryPattern(String name) {
        MEMORY_PATTERNS.add(name);
    }
}
