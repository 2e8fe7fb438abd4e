package kiln.stress.memory;

import java.util.HashMap;
import java.util.Map;

/**
 * Memory with the faults memory testers look for, word by word, behind the same {@link Cells}
 * the stressor drives: a stuck bit, two offsets that are one cell (a broken address line), a bit
 * that flips when its neighbour is written (a coupling fault), a bit that decays after a while
 * (a retention fault) and a bad read that a second read does not repeat. Time is the test's.
 */
final class FaultyCells implements Cells {
    private final long[] cells;
    private final Map<Long, long[]> stuck = new HashMap<>(); // word -> {mask, value}
    private long aliasFrom = -1;
    private long aliasTo = -1;
    private long aggressor = -1;
    private long victim = -1;
    private long couplingMask;
    private long decayWord = -1;
    private long decayMask;
    private long decayNanos;
    private long writtenAt;
    private long badReadWord = -1;
    private long badReadMask;
    long now;

    FaultyCells(long words) {
        cells = new long[Math.toIntExact(words)];
    }

    /** Bit {@code bit} of {@code word} always reads {@code value}. */
    FaultyCells stuck(long word, int bit, int value) {
        return stuckBits(word, 1L << bit, value == 0 ? 0 : 1L << bit);
    }

    /** The bits of {@code mask} in {@code word} always read as in {@code value}. */
    FaultyCells stuckBits(long word, long mask, long value) {
        stuck.put(word, new long[] {mask, value & mask});
        return this;
    }

    /** Offset {@code from} reaches the cell of offset {@code to}: the two are one cell. */
    FaultyCells alias(long from, long to) {
        aliasFrom = from;
        aliasTo = to;
        return this;
    }

    /** A write that changes {@code aggressor} flips {@code bit} of {@code victim}. */
    FaultyCells coupling(long aggressor, long victim, int bit) {
        this.aggressor = aggressor;
        this.victim = victim;
        couplingMask = 1L << bit;
        return this;
    }

    /** {@code bit} of {@code word} drops to 0 once {@code nanos} have passed since it was written. */
    FaultyCells decay(long word, int bit, long nanos) {
        decayWord = word;
        decayMask = 1L << bit;
        decayNanos = nanos;
        return this;
    }

    /** The next block read of {@code word} sees {@code mask} flipped; the cell holds the right value. */
    FaultyCells badRead(long word, long mask) {
        badReadWord = word;
        badReadMask = mask;
        return this;
    }

    private int cell(long at) {
        return (int) (at == aliasFrom ? aliasTo : at);
    }

    private void store(long at, long value) {
        int c = cell(at);
        if (at == aggressor && cells[c] != value) {
            cells[(int) victim] ^= couplingMask;
        }
        cells[c] = value;
        if (at == decayWord) {
            writtenAt = now;
        }
    }

    private long load(long at) {
        long v = cells[cell(at)];
        long[] s = stuck.get(at);
        if (s != null) {
            v = (v & ~s[0]) | s[1];
        }
        if (at == decayWord && now - writtenAt >= decayNanos) {
            v &= ~decayMask;
        }
        return v;
    }

    @Override
    public long words() {
        return cells.length;
    }

    @Override
    public void write(long at, long[] src, int n) {
        for (int i = 0; i < n; i++) {
            store(at + i, src[i]);
        }
    }

    @Override
    public void read(long at, long[] dst, int n) {
        for (int i = 0; i < n; i++) {
            dst[i] = load(at + i);
            if (at + i == badReadWord) {
                dst[i] ^= badReadMask;
                badReadWord = -1;
            }
        }
    }

    @Override
    public void copy(long from, long to, int n) {
        for (int i = 0; i < n; i++) {
            store(to + i, load(from + i));
        }
    }

    @Override
    public long get(long at) {
        return load(at);
    }

    @Override
    public void set(long at, long value) {
        store(at, value);
    }

    @Override
    public String kind() {
        return "faulty";
    }
}
