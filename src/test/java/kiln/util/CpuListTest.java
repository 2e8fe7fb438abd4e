package kiln.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Linux cpu lists as numbers. */
final class CpuListTest {
    @Test
    void oneCpu_ranges_andLists() {
        assertEquals(List.of(3), CpuList.parse("3"));
        assertEquals(List.of(0, 1, 2, 3), CpuList.parse("0-3"));
        assertEquals(List.of(0, 1, 8, 9, 12), CpuList.parse("0-1,8-9,12\n"));
        assertEquals(OptionalInt.of(3), CpuList.single("3"));
        assertEquals(OptionalInt.empty(), CpuList.single("0-1"), "several cpus are no one cpu");
    }

    @Test
    void whatIsNoCpuList_namesNone() {
        for (String bad : new String[] {"?", "", "x", "3-1", "-1", "1-2-3", "0-99999999", "1,,2"}) {
            assertEquals(List.of(), CpuList.parse(bad), bad);
        }
        assertEquals(List.of(), CpuList.parse(null));
    }
}
