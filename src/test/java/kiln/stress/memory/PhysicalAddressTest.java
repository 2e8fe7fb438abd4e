package kiln.stress.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kiln.stress.MemoryStress;
import kiln.stress.Mismatches;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The physical address and NUMA node of a wrong word, from files shaped like the kernel's and from this machine's. */
@Timeout(60)
final class PhysicalAddressTest {
    private static final long PAGE = 4096;
    private static final long PRESENT = 1L << 63;
    private static final long SOFT_DIRTY = 1L << 55;
    private static final long EXCLUSIVE = 1L << 56;

    @TempDir
    Path dir;

    /** Writes little-endian u64 {@code entry} at {@code (vaddr / page) * 8}, as /proc/self/pagemap holds it. */
    private static void entry(Path pagemap, long vaddr, long entry) throws IOException {
        try (FileChannel ch = FileChannel.open(pagemap, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, entry), vaddr / PAGE * 8);
        }
    }

    /** /sys/devices/system/memory/block_size_bytes (hex, no 0x) and node0 with blocks 0-3, node1 with 4-7. */
    private PhysicalAddress machine(Path pagemap) throws IOException {
        Path block = dir.resolve("block_size_bytes");
        Files.writeString(block, "8000000\n");
        Path nodes = Files.createDirectories(dir.resolve("node"));
        for (int b = 0; b < 8; b++) {
            Files.createDirectories(nodes.resolve("node" + (b / 4)).resolve("memory" + b));
        }
        Files.createDirectories(nodes.resolve("power"));
        Files.writeString(nodes.resolve("possible"), "0-1\n");
        return new PhysicalAddress(pagemap, block, nodes, PAGE);
    }

    @Test
    void presentEntry_givesFrameTimesPageSizePlusOffsetInPage_flagBitsIgnored() throws IOException {
        Path pagemap = dir.resolve("pagemap");
        long vaddr = 0x7f12_3456_7abcL;
        long pfn = 0x2_8001L; // in block 5 (0x28001000 / 0x8000000), node1
        entry(pagemap, vaddr, PRESENT | EXCLUSIVE | SOFT_DIRTY | pfn);
        PhysicalAddress pa = machine(pagemap);
        assertEquals(pfn * PAGE + 0xabc, pa.physical(vaddr));
        assertEquals(1, pa.node(pa.physical(vaddr)));
        assertEquals("0x28001abc", pa.describe(vaddr).phys());
        assertEquals("1", pa.describe(vaddr).node());
        assertEquals(0, pa.node(0x7ff_ffffL), "block 0 is node0's");
    }

    @Test
    void notPresent_frameHidden_orNoEntry_isUnknown_neverAnAddress() throws IOException {
        Path pagemap = dir.resolve("pagemap");
        entry(pagemap, 0x10000, 0x1234L); // a frame number but not present
        entry(pagemap, 0x20000, PRESENT); // present, frame 0: what an unprivileged process reads
        PhysicalAddress pa = machine(pagemap);
        assertEquals(-1, pa.physical(0x10000));
        assertEquals(-1, pa.physical(0x20000));
        assertEquals(-1, pa.physical(0x4000_0000L), "past the end of the file");
        assertEquals(-1, pa.physical(-1), "no virtual address (a direct buffer's)");
        assertEquals(new PhysicalAddress.Place("unknown", "unknown"), pa.describe(0x20000));
        assertEquals(-1, new PhysicalAddress(dir.resolve("none"), dir.resolve("none"), dir.resolve("none"), PAGE).physical(0x10000));
    }

    @Test
    void node_isUnknown_outsideEveryNodesBlocks_orWithoutSysfs() throws IOException {
        PhysicalAddress pa = machine(dir.resolve("pagemap"));
        assertEquals(-1, pa.node(8L * 0x8000000 + 5), "block 8 is no node's");
        assertEquals(-1, new PhysicalAddress(dir.resolve("pagemap"), dir.resolve("no-block-size"), dir.resolve("node"), PAGE).node(0));
        assertEquals(-1, new PhysicalAddress(dir.resolve("pagemap"), dir.resolve("block_size_bytes"), dir.resolve("no-node"), PAGE).node(0));
    }

    @Test
    void pageSize_isTheAuxiliaryVectorsAtPagesz() throws IOException {
        ByteBuffer auxv = ByteBuffer.allocate(5 * 16).order(ByteOrder.nativeOrder());
        auxv.putLong(33).putLong(0x7fff0000L); // AT_SYSINFO_EHDR
        auxv.putLong(16).putLong(0xbfebfbffL); // AT_HWCAP
        auxv.putLong(6).putLong(65536); // AT_PAGESZ
        auxv.putLong(17).putLong(100); // AT_CLKTCK
        auxv.putLong(0).putLong(0); // AT_NULL
        Path f = dir.resolve("auxv");
        Files.write(f, auxv.array());
        assertEquals(65536, PhysicalAddress.pageSize(f));
        assertEquals(4096, PhysicalAddress.pageSize(dir.resolve("none")));
        assertEquals(4096, PhysicalAddress.SYSTEM.pageSize(), "this machine's pages (x86-64)");
    }

    /** A wrong word's error carries phys and node, read for the word's own virtual address. */
    @Test
    void error_carriesPhysAndNode_ofTheWrongWord() throws IOException {
        long base = 0x5555_0000_0000L;
        FaultyCells faulty = new FaultyCells(1 << 14);
        Cells at = new Cells() {
            public long words() { return faulty.words(); }
            public void write(long a, long[] src, int n) { faulty.write(a, src, n); }
            public void read(long a, long[] dst, int n) { faulty.read(a, dst, n); }
            public void copy(long from, long to, int n) { faulty.copy(from, to, n); }
            public long get(long a) { return faulty.get(a); }
            public void set(long a, long value) { faulty.set(a, value); }
            public String kind() { return "test"; }
            public long address(long a) { return base + a * 8; }
        };
        Path pagemap = dir.resolve("pagemap");
        for (long page = 0; page < 32; page++) {
            entry(pagemap, base + page * PAGE, PRESENT | (0x8000L + page)); // frames 0x8000.. : block 1, node0
        }
        faulty.stuckBits(1000, -1L, 0xdeadbeefL);
        try (MemoryStress m = new MemoryStress(0, at, Patterns.make(List.of("own-address"), Patterns.Options.DEFAULT),
                Ticker.SYSTEM, machine(pagemap))) {
            assertEquals(1, m.runPass(Patterns.make(List.of("own-address"), Patterns.Options.DEFAULT).get(0), 0));
            List<Mismatches.Mismatch> found = new ArrayList<>();
            m.mismatches().drainTo(found, 10);
            Mismatches.Mismatch x = found.get(0);
            assertEquals("8000", x.detail().get("offset"));
            long vaddr = base + 8000;
            assertEquals("0x" + Long.toHexString((0x8000L + vaddr / PAGE - base / PAGE) * PAGE + vaddr % PAGE), x.detail().get("phys"));
            assertEquals("0", x.detail().get("node"));
        }
    }

    /** This machine's pagemap, as root: a page of the stack and, on JDK 22+, the stressor's own buffer have a real frame. */
    @Test
    void realPagemap_asRoot_givesAFrame() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "frame numbers are root's: skipped");
        long stackTop = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.endsWith("[stack]")) {
                stackTop = Long.parseUnsignedLong(line.substring(line.indexOf('-') + 1, line.indexOf(' ')), 16) - 8;
            }
        }
        assertTrue(stackTop > 0, "/proc/self/maps names the stack");
        long phys = PhysicalAddress.SYSTEM.physical(stackTop);
        assertTrue(phys > 0 && phys % PAGE == stackTop % PAGE, "the stack's top page has a frame: " + phys);
        if (Files.isDirectory(Path.of("/sys/devices/system/node/node0"))) {
            assertTrue(PhysicalAddress.SYSTEM.node(phys) >= 0, "sysfs names the node of " + Long.toHexString(phys));
        }
        Cells cells = Cells.allocate(4 << 20);
        if (Runtime.version().feature() >= 22) {
            long vaddr = cells.address(12345);
            long p = PhysicalAddress.SYSTEM.physical(vaddr);
            assertTrue(p > 0 && p % PAGE == vaddr % PAGE, "the buffer's word has a frame: " + p);
            assertEquals(PhysicalAddress.SYSTEM.node(p) >= 0 ? Integer.toString(PhysicalAddress.SYSTEM.node(p)) : "unknown",
                    PhysicalAddress.SYSTEM.describe(vaddr).node());
        } else {
            assertEquals(-1, cells.address(12345), "a direct buffer's address is not public on JDK 17");
            assertEquals("unknown", PhysicalAddress.SYSTEM.describe(cells.address(12345)).phys());
        }
    }
}
