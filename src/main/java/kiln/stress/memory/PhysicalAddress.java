package kiln.stress.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Where a virtual address of this process is in physical memory, and on which NUMA node, as the
 * kernel says: the 8-byte little-endian entry of {@code /proc/self/pagemap} at
 * {@code (vaddr / pagesize) * 8} (bit 63: present; bits 0–54: the page frame number), and the
 * memory block {@code phys / block_size_bytes} listed under {@code /sys/devices/system/node/nodeN/}.
 * Only a privileged process (root, {@code CAP_SYS_ADMIN}) sees frame numbers; others read 0, which
 * is "unknown" here, never an address. Read once per reported error, not on the hot path.
 */
public final class PhysicalAddress {
    /** What {@code phys} and {@code node} say where the kernel does not tell. */
    public static final String UNKNOWN = "unknown";
    private static final long PRESENT = 1L << 63;
    private static final long PFN_MASK = (1L << 55) - 1;
    private static final int AT_PAGESZ = 6;

    /** This process, this machine. */
    public static final PhysicalAddress SYSTEM = new PhysicalAddress(Path.of("/proc/self/pagemap"),
            Path.of("/sys/devices/system/memory/block_size_bytes"), Path.of("/sys/devices/system/node"),
            pageSize(Path.of("/proc/self/auxv")));

    private final Path pagemap;
    private final Path blockSize;
    private final Path nodes;
    private final long pageSize;

    /**
     * @param pagemap   a file shaped like {@code /proc/self/pagemap}
     * @param blockSize a file shaped like {@code /sys/devices/system/memory/block_size_bytes} (hex)
     * @param nodes     a directory shaped like {@code /sys/devices/system/node}
     */
    public PhysicalAddress(Path pagemap, Path blockSize, Path nodes, long pageSize) {
        this.pagemap = pagemap;
        this.blockSize = blockSize;
        this.nodes = nodes;
        this.pageSize = pageSize;
    }

    public long pageSize() {
        return pageSize;
    }

    /** The physical address of {@code vaddr}, or -1 where it is not known (no access, not present, frame 0, no such file). */
    public long physical(long vaddr) {
        if (vaddr < 0) {
            return -1;
        }
        try (FileChannel ch = FileChannel.open(pagemap, StandardOpenOption.READ)) {
            ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            long at = vaddr / pageSize * 8;
            while (entry.hasRemaining()) {
                if (ch.read(entry, at + entry.position()) < 0) {
                    return -1;
                }
            }
            return physical(entry.getLong(0), vaddr, pageSize);
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    /** The physical address that pagemap entry {@code entry} gives {@code vaddr}; -1 when not present or the frame is hidden (0). */
    static long physical(long entry, long vaddr, long pageSize) {
        long pfn = entry & PFN_MASK;
        if ((entry & PRESENT) == 0 || pfn == 0) {
            return -1;
        }
        return pfn * pageSize + vaddr % pageSize;
    }

    /** The NUMA node that holds physical address {@code phys}, or -1 where sysfs does not say. */
    public int node(long phys) {
        if (phys < 0) {
            return -1;
        }
        long block;
        try {
            block = Long.parseUnsignedLong(Files.readString(blockSize).trim(), 16);
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        if (block <= 0) {
            return -1;
        }
        String memory = "memory" + Long.toUnsignedString(phys / block);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(nodes, "node[0-9]*")) {
            for (Path node : dirs) {
                if (Files.exists(node.resolve(memory))) {
                    return Integer.parseInt(node.getFileName().toString().substring(4));
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Where a word is, as an error's details say it.
     *
     * @param phys {@code 0x…}, or {@link #UNKNOWN}
     * @param node a number, or {@link #UNKNOWN}
     */
    public record Place(String phys, String node) {
    }

    /** The {@link Place} of virtual address {@code vaddr} (-1: none known). */
    public Place describe(long vaddr) {
        long phys = physical(vaddr);
        int node = node(phys);
        return new Place(phys < 0 ? UNKNOWN : "0x" + Long.toHexString(phys), node < 0 ? UNKNOWN : Integer.toString(node));
    }

    /** The page size from the auxiliary vector ({@code AT_PAGESZ}, pairs of native-endian u64); 4096 where it cannot be read. */
    static long pageSize(Path auxv) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(auxv)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 16) {
                long type = b.getLong();
                long value = b.getLong();
                if (type == AT_PAGESZ && value > 0 && Long.bitCount(value) == 1) {
                    return value;
                }
                if (type == 0) {
                    break;
                }
            }
        } catch (IOException | SecurityException e) {
            // fall through
        }
        return 4096;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "pagemap %s, page %d", pagemap, pageSize);
    }
}
