package kiln.stress.files;

/**
 * Indices of finished files, oldest first, holding at most {@code capacity}: adding one more
 * evicts the oldest, which the caller then deletes. Guarded by its own monitor.
 */
final class FileRing {
    private final long[] ring;
    private int head;
    private int size;

    FileRing(long capacity) {
        if (capacity < 1 || capacity > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("capacity out of range: " + capacity);
        }
        ring = new long[(int) capacity];
    }

    /** Adds {@code index}; returns the evicted oldest index, or -1 when there was room. */
    synchronized long addAndEvict(long index) {
        if (size < ring.length) {
            ring[(head + size++) % ring.length] = index;
            return -1;
        }
        long oldest = ring[head];
        ring[head] = index;
        head = (head + 1) % ring.length;
        return oldest;
    }

    /** Removes and returns the oldest index, or -1 when empty. */
    synchronized long pollOldest() {
        if (size == 0) {
            return -1;
        }
        long oldest = ring[head];
        head = (head + 1) % ring.length;
        size--;
        return oldest;
    }

    synchronized int size() {
        return size;
    }
}
