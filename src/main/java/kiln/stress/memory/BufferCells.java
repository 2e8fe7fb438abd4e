package kiln.stress.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * {@link Cells} in direct buffers of 64 MiB each (a buffer's index is an int), for JDK 17 to 21.
 * Block operations are the buffers' bulk copies; {@code allocateDirect} zeroes the memory, which
 * touches every page.
 */
final class BufferCells implements Cells {
    private static final int CHUNK_SHIFT = 23;
    private static final long CHUNK_WORDS = 1L << CHUNK_SHIFT;
    private static final long INDEX_MASK = CHUNK_WORDS - 1;

    private final LongBuffer[] chunks;
    private final long words;

    BufferCells(long bytes) {
        words = Math.max(0, bytes) >>> 3;
        chunks = new LongBuffer[(int) ((words + CHUNK_WORDS - 1) >>> CHUNK_SHIFT)];
        long left = words;
        for (int i = 0; i < chunks.length; i++) {
            int n = (int) Math.min(CHUNK_WORDS, left);
            chunks[i] = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
            left -= n;
        }
    }

    @Override
    public long words() {
        return words;
    }

    @Override
    public void write(long at, long[] src, int n) {
        chunks[(int) (at >>> CHUNK_SHIFT)].put((int) (at & INDEX_MASK), src, 0, n);
    }

    @Override
    public void read(long at, long[] dst, int n) {
        chunks[(int) (at >>> CHUNK_SHIFT)].get((int) (at & INDEX_MASK), dst, 0, n);
    }

    @Override
    public void copy(long from, long to, int n) {
        chunks[(int) (to >>> CHUNK_SHIFT)].put((int) (to & INDEX_MASK), chunks[(int) (from >>> CHUNK_SHIFT)],
                (int) (from & INDEX_MASK), n);
    }

    @Override
    public long get(long at) {
        return chunks[(int) (at >>> CHUNK_SHIFT)].get((int) (at & INDEX_MASK));
    }

    @Override
    public void set(long at, long value) {
        chunks[(int) (at >>> CHUNK_SHIFT)].put((int) (at & INDEX_MASK), value);
    }

    @Override
    public String kind() {
        return "buffer";
    }
}
