package kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.supervisor.History;
import kiln.supervisor.VerifyErrorLog;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;

/** The memory stressor in the report: which fault models ran, how much each moved, and what an error says. */
final class MemoryReportTest {
    private static Report report() {
        Settings s = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "256m", "kiln.files.enabled", "false",
                "kiln.cpu.enabled", "false"));
        Map<String, Long> patterns = Map.of("own-address.passes", 3L, "own-address.bytes", 3L << 30, "own-address.errors", 0L,
                "copy.passes", 1L, "copy.bytes", 2L << 30, "copy.errors", 1L);
        WorkerStats totals = new WorkerStats(9, FileStats.NONE, WorkerStats.Cpu.NONE, 5L << 30, Map.of(kiln.link.Stressor.MEMORY, 1L), 0, patterns);
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("pass", "4");
        detail.put("variant", "lower-to-upper");
        detail.put("offset", "4096");
        detail.put("mask", "0x100");
        detail.put("reread", "transient");
        detail.put("phys", "0x12345678");
        detail.put("node", "1");
        VerifyErrorLog.Entry e = new VerifyErrorLog.Entry(0, "0", kiln.link.Stressor.MEMORY, "copy", "aaaa", "abaa", "offset 0x1000", 1_800_000_000_000L,
                detail);
        List<WorkerView> workers = List.of(new WorkerView(0, WorkerState.STOPPED, totals, 0, 0, null, 0, 0, "0"));
        Report plain = Report.builder(s).workers(workers).totals(totals).elapsed(Duration.ofSeconds(10))
                .cpuLoad(0).memoryBytes(256L << 20).build();
        Report.Findings f = plain.findings();
        return Report.builder(s).workers(workers).totals(totals).elapsed(Duration.ofSeconds(10))
                .cpuLoad(0).memoryBytes(256L << 20)
                .findings(new Report.Findings(List.of(e), f.before(), f.after(), List.of(), List.of(), Map.of(), "duration reached", false)).build();
    }

    @Test
    void json_givesEachPatternsPassesBytesAndErrors_andTheRate() {
        @SuppressWarnings("unchecked")
        Map<String, Object> memory = (Map<String, Object>) report().toMap().get("memory");
        assertEquals(Map.of("own-address", Map.of("passes", 3L, "bytes", 3L << 30, "errors", 0L),
                "copy", Map.of("passes", 1L, "bytes", 2L << 30, "errors", 1L)), memory.get("patterns"));
        assertEquals((double) (5L << 30) / 10, ((Number) memory.get("bytes_per_second")).doubleValue(), 1);
    }

    @Test
    void anErrorRecord_namesPatternPassOffsetMaskAndTheReRead_numbersAsNumbers() {
        @SuppressWarnings("unchecked")
        Map<String, Object> errors = (Map<String, Object>) report().toMap().get("errors");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) errors.get("first")).get(0);
        assertEquals("copy", first.get("method"));
        assertEquals(4L, first.get("pass"));
        assertEquals(4096L, first.get("offset"));
        assertEquals("0x100", first.get("mask"));
        assertEquals("transient", first.get("reread"));
        assertEquals("lower-to-upper", first.get("variant"));
        assertTrue(new VerifyErrorLog.Entry(0, "0", kiln.link.Stressor.MEMORY, "copy", "aaaa", "abaa", "offset 0x1000", 0,
                Map.of("mask", "0x100")).describe().endsWith("at offset 0x1000 (mask 0x100)"));
    }

    @Test
    void summaryAndHtml_sayWhichFaultModelsRan() {
        Report r = report();
        StringWriter w = new StringWriter();
        new Summary(new PrintWriter(w, true)).print(r);
        // the notes wrap under their column: joined again, they say it whole
        assertTrue(w.toString().replaceAll("\\n {3,}", " ").contains("fault models: copy 1 pass (1 error), own-address 3 passes"), w.toString());
        String page = HtmlReport.render(r, new History());
        assertTrue(page.contains("<h3>Memory fault models</h3>"), page);
        assertTrue(page.contains("<tr><td>own-address</td><td>3</td><td>3.0 GiB</td><td>0</td></tr>"), page);
        assertTrue(page.contains("<td>0x100</td><td>transient</td>"), "the error's mask and re-read: " + page);
    }

    @Test
    void anErrorsPhysicalAddressAndNode_areInTheJsonTheSummaryAndTheHtml() {
        Report r = report();
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) ((Map<String, Object>) r.toMap().get("errors")).get("first")).get(0);
        assertEquals("0x12345678", first.get("phys"));
        assertEquals(1L, first.get("node"));
        StringWriter w = new StringWriter();
        new Summary(new PrintWriter(w, true)).print(r);
        assertTrue(w.toString().replaceAll("\\n {3,}", " ").contains("phys 0x12345678, node 1"), w.toString());
        String page = HtmlReport.render(r, new History());
        assertTrue(page.contains("<th>where</th><th>physical</th><th>node</th>"), page);
        assertTrue(page.contains("<td>offset 0x1000</td><td>0x12345678</td><td>1</td>"), page);
    }
}
