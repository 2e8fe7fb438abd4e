package kiln.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

final class WrapTest {
    @Test
    void hanging_keepsListItemsWhole_andAlignsContinuationsUnderTheText() {
        String first = "  files     1,234,567 files        12,345 files/s     0              ";
        String notes = "1.2 GiB written, 1,234,567 deleted (4,000 to make room at the free-space or inode floor), 0 read back,"
                + " 0 I/O errors, create p50≤40µs p99≤2ms";
        List<String> lines = Wrap.hanging(first, notes, Wrap.COLUMNS);
        assertTrue(lines.size() > 1, lines.toString());
        for (String line : lines) {
            assertTrue(line.length() <= Wrap.COLUMNS, line.length() + ": " + line);
        }
        assertTrue(lines.get(0).startsWith(first + "1.2 GiB written,"), lines.get(0));
        for (String more : lines.subList(1, lines.size())) {
            assertTrue(more.startsWith(" ".repeat(first.length())) && !Character.isWhitespace(more.charAt(first.length())),
                    "under the notes column: " + more);
        }
        String joined = String.join("\n", lines);
        assertTrue(joined.contains(" 0 I/O errors,"), "an item stays on one line: " + joined);
        assertEquals(notes, lines.stream().map(l -> l.substring(first.length())).reduce((a, b) -> a + " " + b).orElseThrow(),
                "nothing lost");
    }

    @Test
    void hanging_breaksAWordLongerThanTheLine() {
        List<String> lines = Wrap.hanging("> ", "x".repeat(50), 30);
        assertEquals(List.of("> " + "x".repeat(28), "  " + "x".repeat(22)), lines);
    }

    @Test
    void shortText_isOneLine() {
        assertEquals(List.of("  verdict: PASS"), Wrap.hanging("  verdict: ", "PASS", Wrap.COLUMNS));
    }
}
