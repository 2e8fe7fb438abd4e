package kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import kiln.config.SettingsLoader;
import kiln.link.Stressor;
import kiln.link.WorkerStats;
import org.junit.jupiter.api.Test;

final class StressorRowsTest {
    @Test
    void everyStressorHasOneRow_inTheOrderTheSummaryShowsThem() {
        List<Stressor> keys = StressorRows.ALL.stream().map(StressorRows.Row::key).toList();
        assertEquals(List.of(Stressor.FILES, Stressor.CPU, Stressor.MEMORY), keys);
        assertEquals(Arrays.stream(Stressor.values()).sorted().toList(), keys.stream().sorted().toList(),
                "a word of the Stressor enum that the summary, the HTML report and the idle check would not show");
    }

    @Test
    void eachEnabledStressorThatDidNothing_isIdle_inRowOrder_andHasItsRow() {
        var settings = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "1m"));
        Report r = Report.builder(settings).elapsed(Duration.ofSeconds(10)).cpuLoad(0.5).memoryBytes(1L << 20)
                .fileIo(kiln.link.IoPath.NATIVE).build();
        assertEquals(List.of("files: no file created (paused below the free-space floor, or every create failed)",
                "cpu: no operation computed", "memory: nothing written and read back"), r.idleStressors());
        StringWriter w = new StringWriter();
        new Summary(new PrintWriter(w, true)).print(r);
        String text = w.toString();
        assertTrue(text.contains("  files     0 files              0 files/s          0"), text);
        assertTrue(text.contains("  cpu       0 ops                0 ops/s            0"), text);
        assertTrue(text.contains("  memory    0 B                  0 B/s              0              1.0 MiB held, written and read back\n"), text);
    }
}
