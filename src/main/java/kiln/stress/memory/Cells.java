package kiln.stress.memory;

/**
 * The memory under test, addressed in 8-byte words. Patterns move whole blocks of words between
 * it and their own scratch arrays, so that the loops over words run over plain {@code long[]}
 * (which the JIT vectorizes) and a call through this interface costs once per block, not once
 * per word. A range {@code [at, at + n)} given to a block operation never crosses a multiple of
 * {@link #BLOCK_WORDS} and {@code n <= BLOCK_WORDS}. Not thread-safe: one pattern thread uses it.
 */
public interface Cells {
    /** Words per block: 256 KiB, which stays in a core's L2 cache next to a second scratch block. */
    int BLOCK_WORDS = 1 << 15;

    /** Size in words. */
    long words();

    /** Stores {@code src[0..n)} at words {@code [at, at + n)}. */
    void write(long at, long[] src, int n);

    /** Loads words {@code [at, at + n)} into {@code dst[0..n)}. */
    void read(long at, long[] dst, int n);

    /** Copies words {@code [from, from + n)} to {@code [to, to + n)} (the ranges do not overlap). */
    void copy(long from, long to, int n);

    /** One word, read again: what a re-read of a wrong word sees. */
    long get(long at);

    /** One word, written on its own (fault injection). */
    void set(long at, long value);

    /** How the memory is held, for the worker's log: {@code segment} (JDK 22+) or {@code buffer}. */
    String kind();

    /**
     * The virtual address of word {@code at}, for {@link PhysicalAddress}; -1 where it is not
     * known (direct buffers: their address is not public before JDK 22, and a test's memory has none).
     */
    default long address(long at) {
        return -1;
    }

    /** Whether the memory is locked and advised to huge pages, and why not. */
    default Residency residency() {
        return Residency.NONE;
    }

    /**
     * Off-heap memory of {@code bytes} rounded down to whole words, zeroed (so every page is
     * touched and resident before the first pass): a {@code MemorySegment} on JDK 22 and newer,
     * direct buffers before.
     *
     * @throws OutOfMemoryError when the JVM's direct-memory limit does not allow it
     */
    static Cells allocate(long bytes) {
        if (Runtime.version().feature() >= 22) {
            try {
                return (Cells) Class.forName("kiln.stress.memory.SegmentCells").getDeclaredConstructor(long.class)
                        .newInstance(bytes);
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof OutOfMemoryError oom) {
                    throw oom;
                }
                // anything else: the buffer path is complete
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // not in this build (a JDK 17 build run on a newer JDK): the buffer path is complete
            }
        }
        return new BufferCells(bytes);
    }
}
