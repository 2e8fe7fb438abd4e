package kiln.stress.memory;

/**
 * One fault model of the memory stressor: what it writes, in what order, and how it checks. One
 * class per pattern, registered once in {@link Patterns}; its {@link #name()} is its key in the
 * report ({@code memory.patterns}), in the metrics and in each error it finds.
 *
 * <p>A pattern moves whole blocks between the {@link Cells} and the pass's scratch arrays and
 * keeps its per-word loops over those arrays: that is what keeps it at bus speed. It counts what
 * it moves ({@link Pass#wrote}, {@link Pass#read}), says when the first fill is done
 * ({@link Pass#filled}) and hands every block it reads back to {@link Pass#check}.
 */
public interface Pattern {
    /** Lower-case words joined by '-', such as {@code own-address}: the report's key. */
    String name();

    /** The fault it exists for, one line, for the docs and the HTML report. */
    String finds();

    /** One pass over all the cells. Returns early, unchecked, once {@link Pass#stopping()}. */
    void run(Pass pass);
}
