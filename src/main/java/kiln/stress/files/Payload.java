package kiln.stress.files;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The content of one kiln file, written into a buffer the writer thread owns (native memory on
 * the native path) and rewritten in place for each file. Layout (little-endian):
 * {@code "KILNFIL1"} magic (8), worker id (4), file index (8), size (4), filler derived from the
 * index, and a CRC32C of everything before it in the last 4 bytes. The magic marks a file as
 * kiln's own; the checksum lets a read-back prove the bytes survived. Not thread-safe.
 */
public final class Payload {
    private static final byte[] MAGIC = kiln.workspace.Layout.magic();
    static final int MIN_SIZE = 64;

    private final ByteBuffer buffer;
    private final CRC32C crc = new CRC32C();
    private final int size;

    public Payload(int workerId, int size) {
        this(workerId, size, ByteBuffer.allocateDirect(size));
    }

    /** A payload kept in {@code target} (at least {@code size} bytes), which it owns from now on. */
    public Payload(int workerId, int size, ByteBuffer target) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("payload size must be at least " + MIN_SIZE + " bytes: " + size);
        }
        if (target.capacity() < size) {
            throw new IllegalArgumentException("payload buffer of " + target.capacity() + " bytes cannot hold " + size);
        }
        this.size = size;
        buffer = target.clear().order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).putInt(workerId).putLong(0).putInt(size);
        for (int i = buffer.position(); i < size - 4; i++) {
            buffer.put((byte) (i * 31 + 7));
        }
    }

    /** The payload of file {@code index}, positioned for one write of all of it. */
    public ByteBuffer forIndex(long index) {
        buffer.clear();
        buffer.putLong(12, index);
        // the filler's first 8 bytes follow the index too, so a misplaced block shows in the checksum
        buffer.putLong(24, Long.rotateLeft(index * 0x9E3779B97F4A7C15L, 17));
        crc.reset();
        buffer.limit(size - 4);
        crc.update(buffer);
        buffer.limit(size);
        buffer.putInt(size - 4, (int) crc.getValue());
        buffer.position(0);
        return buffer;
    }

    /** Flips one bit after the checksum, as a bad disk would; {@link #forIndex} writes it right again. */
    void corrupt() {
        buffer.put(40, (byte) (buffer.get(40) ^ 0x04));
    }

    /** Whether {@code content} is a whole, intact kiln payload of file {@code index}. */
    public static boolean verify(ByteBuffer content, long index) {
        ByteBuffer b = content.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining();
        if (n < MIN_SIZE) {
            return false;
        }
        int start = b.position();
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(start + i) != MAGIC[i]) {
                return false;
            }
        }
        if (b.getLong(start + 12) != index || b.getInt(start + 20) != n) {
            return false;
        }
        CRC32C c = new CRC32C();
        b.limit(start + n - 4);
        c.update(b);
        return (int) c.getValue() == content.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(start + n - 4);
    }
}
