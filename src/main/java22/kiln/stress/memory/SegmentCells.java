package kiln.stress.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link Cells} in one off-heap {@link MemorySegment} (JDK 22+), aligned to 2 MiB so that the
 * kernel may back it with transparent huge pages where it offers them. Block operations are the
 * segment's bulk copies; the allocation is zeroed, which touches every page. Freed when
 * unreachable (an automatic arena: a stopping worker's thread may still be in a block).
 */
final class SegmentCells implements Cells {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG;

    private final MemorySegment segment;
    private final long words;
    private final Residency residency;

    SegmentCells(long bytes) {
        words = Math.max(0, bytes) >>> 3;
        long align = words * 8 >= 2L << 20 ? 2L << 20 : 8;
        segment = Arena.ofAuto().allocate(Math.max(8, words * 8), align);
        // advised and locked only when it covers whole pages of its own (a small one shares its pages with the heap's malloc)
        residency = align > 8 ? NativeMemory.keepResident(segment, Residency.thpMode())
                : new Residency(false, false, "neither locked nor advised to huge pages (under 2 MiB)");
    }

    @Override
    public long words() {
        return words;
    }

    @Override
    public void write(long at, long[] src, int n) {
        MemorySegment.copy(src, 0, segment, WORD, at << 3, n);
    }

    @Override
    public void read(long at, long[] dst, int n) {
        MemorySegment.copy(segment, WORD, at << 3, dst, 0, n);
    }

    @Override
    public void copy(long from, long to, int n) {
        MemorySegment.copy(segment, from << 3, segment, to << 3, (long) n << 3);
    }

    @Override
    public long get(long at) {
        return segment.getAtIndex(WORD, at);
    }

    @Override
    public void set(long at, long value) {
        segment.setAtIndex(WORD, at, value);
    }

    @Override
    public long address(long at) {
        return segment.address() + (at << 3);
    }

    @Override
    public Residency residency() {
        return residency;
    }

    @Override
    public String kind() {
        return "segment";
    }
}
