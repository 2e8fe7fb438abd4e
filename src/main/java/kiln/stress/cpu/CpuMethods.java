package kiln.stress.cpu;

import kiln.stress.CpuMethod;

/**
 * The registry of built-in CPU methods: one line each, in the order {@code all} rotates through
 * them and reports list them.
 */
public final class CpuMethods {
    static {
        CpuMethod.register(new IntegerMix());
        CpuMethod.register(new MatrixMultiply());
        CpuMethod.register(new Sha256Chain());
        CpuMethod.register(new Factorial());
        CpuMethod.register(new Fma());
        CpuMethod.register(new Aes());
        CpuMethod.register(new Crc32c());
        CpuMethod.register(new Deflate());
        CpuMethod.register(new Copy());
        CpuMethod.register(new Transcendental());
    }

    private CpuMethods() {
    }

    /** Registers the built-in methods, once (the class's initialization does it). */
    public static void load() {
        // the static initializer has run by now
    }
}
