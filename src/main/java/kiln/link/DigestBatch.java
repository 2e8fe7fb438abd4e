package kiln.link;

/**
 * How the cross-core check numbers its batches ({@code digest batch=N}): by the wall-clock slot
 * they start in and their place in it, {@code slot << 20 | n}. Workers number them, the
 * supervisor groups and names them by slot; both read the number this one way.
 */
public final class DigestBatch {
    /** A slot of batch numbers. */
    public static final long SLOT_MILLIS = 4_000;
    private static final int SLOT_SHIFT = 20;
    /** The last place in a slot. */
    public static final long IN_SLOT_MAX = (1L << SLOT_SHIFT) - 1;

    private DigestBatch() {
    }

    /** Batch {@code n} of {@code slot}. */
    public static long of(long slot, long n) {
        return (slot << SLOT_SHIFT) | n;
    }

    /** The slot a batch number belongs to. */
    public static long slotOf(long batch) {
        return batch >> SLOT_SHIFT;
    }

    /**
     * A batch as people read it: its place in its slot and when the slot began, such as
     * {@code 3 of the 4 s slot from 2026-11-22T14:03:08Z}.
     */
    public static String describe(long batch) {
        return (batch & IN_SLOT_MAX) + " of the " + SLOT_MILLIS / 1000 + " s slot from "
                + java.time.Instant.ofEpochMilli(slotOf(batch) * SLOT_MILLIS);
    }
}
