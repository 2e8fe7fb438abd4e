package kiln.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

final class TerminalWidthTest {
    @Test
    void sttySize_givesTheColumns() {
        assertEquals(80, TerminalWidth.parseSttySize("40 80\n"));
        assertEquals(-1, TerminalWidth.parseSttySize("stty: 'standard input': Inappropriate ioctl for device"));
        assertEquals(-1, TerminalWidth.parseSttySize("0 0"));
    }

    @Test
    void columnsVariable_isUsedWhenSane_elseEighty() {
        assertEquals(132, TerminalWidth.read("132"));
        assertEquals(TerminalWidth.FALLBACK, TerminalWidth.read(null));
        assertEquals(TerminalWidth.FALLBACK, TerminalWidth.read("wide"));
        assertEquals(TerminalWidth.FALLBACK, TerminalWidth.read("3"));
    }
}
