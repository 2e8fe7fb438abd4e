package kiln.stress.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The buffer kept resident: locked where the process may lock memory, advised to huge pages where the kernel offers them. */
@Timeout(120)
final class ResidencyTest {

    @TempDir
    Path dir;

    @Test
    void thpMode_isTheBracketedWord_ofTheKernelsFile() throws IOException {
        Path f = dir.resolve("enabled");
        Files.writeString(f, "always [madvise] never\n");
        assertEquals("madvise", Residency.thpMode(f));
        Files.writeString(f, "[always] madvise never\n");
        assertEquals("always", Residency.thpMode(f));
        Files.writeString(f, "always madvise [never]\n");
        assertEquals("never", Residency.thpMode(f));
        assertNull(Residency.thpMode(dir.resolve("absent")), "a kernel without THP");
    }

    @Test
    void saysWhatHeld_theAdviceAndWhyNotLocked() {
        Residency r = Residency.of("madvise", 0, false);
        assertFalse(r.locked());
        assertTrue(r.advised());
        assertEquals("not locked (on purpose: the OOM reaper cannot free locked memory), huge pages advised", r.text());
        assertEquals(Residency.NOT_LOCKED + ", huge pages not offered (transparent_hugepage [never])",
                Residency.of("never", Residency.NOT_TRIED, false).text());
        assertEquals(Residency.NOT_LOCKED + ", huge pages not offered (transparent_hugepage absent)",
                Residency.of(null, Residency.NOT_TRIED, false).text());
        assertFalse(Residency.of("never", Residency.NOT_TRIED, false).advised());
        assertEquals(Residency.NOT_LOCKED + ", huge pages advised (in huge pages now)", Residency.of("madvise", 0, true).text());
        assertEquals(Residency.NOT_LOCKED + ", huge pages not advised (madvise: errno 22)", Residency.of("always", 22, false).text());
    }

    private static long vmLckKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmLck:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** AnonHugePages of the mapping of /proc/self/smaps that holds {@code address}, KiB. */
    private static long anonHugeKiB(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                inside = Long.compareUnsigned(Long.parseUnsignedLong(range[0], 16), address) <= 0
                        && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0;
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** The VmFlags of the mapping of /proc/self/smaps that holds {@code address}. */
    private static String vmFlags(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                inside = Long.compareUnsigned(Long.parseUnsignedLong(range[0], 16), address) <= 0
                        && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0;
            } else if (inside && line.startsWith("VmFlags:")) {
                return line;
            }
        }
        return "";
    }

    @Test
    void realBuffer_onJdk22_isAdvisedWhereTheKernelOffersHugePages_andNotLocked() throws IOException {
        long before = vmLckKiB();
        Cells cells = Cells.allocate(8 << 20);
        if (Runtime.version().feature() < 22) {
            assertEquals(Residency.NONE, cells.residency(), "JDK 17: no native calls");
            assertTrue(cells.residency().text().startsWith("neither locked nor advised"));
            return;
        }
        // not locked, whoever runs it: the OOM reaper skips locked memory, so an OOM-killed worker
        // would give its buffer back late, and the kernel takes further processes meanwhile
        assertFalse(cells.residency().locked(), cells.residency().text());
        assertTrue(cells.residency().text().startsWith("not locked (on purpose"), cells.residency().text());
        assertTrue(vmLckKiB() - before < 8 << 10, "VmLck did not grow by the buffer: " + before + " -> " + vmLckKiB() + " KiB");
        String thp = Residency.thpMode();
        String flags = vmFlags(cells.address(0));
        assertFalse(flags.contains(" lo"), "the mapping is not locked: " + flags);
        if (thp != null && !thp.equals("never")) {
            assertTrue(cells.residency().advised(), cells.residency().text());
            assertTrue(flags.contains(" hg"), "the mapping is advised MADV_HUGEPAGE: " + flags);
            if (cells.residency().text().endsWith("(in huge pages now)")) {
                assertTrue(anonHugeKiB(cells.address(0)) >= 2048, "the mapping holds huge pages");
            }
        } else {
            assertFalse(cells.residency().advised());
        }
    }
}
