package kiln.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class HistoryTest {
    private static double[] values(double files, double temp) {
        double[] v = new double[History.SERIES.size()];
        Arrays.fill(v, 1);
        v[0] = files;
        v[3] = temp;
        return v;
    }

    @Test
    void longRun_staysBounded_andKeepsItsShape() {
        History h = new History();
        for (int s = 0; s < 4 * 3600; s++) { // four hours, one reading a second
            h.add(s, values(s < 7200 ? 1000 : 2000, Double.NaN));
        }
        assertTrue(h.size() <= History.MAX_POINTS && h.size() > History.MAX_POINTS / 2, "bounded: " + h.size());
        List<Double> t = h.columns().get("seconds");
        List<Double> files = h.columns().get("files_per_second");
        assertEquals(0, t.get(0), 60, "starts at the start");
        assertEquals(4 * 3600, t.get(t.size() - 1), 60, "ends at the end");
        assertEquals(1000, files.get(1));
        assertEquals(2000, files.get(files.size() - 2), "the step is still there");
        assertNull(h.columns().get("cpu_temperature_celsius").get(0), "unknown stays unknown (null)");
    }

    @Test
    void wrongNumberOfValues_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new History().add(0, 1, 2));
    }
}
