package kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.link.FileErrorCause;
import kiln.link.FileErrors;
import kiln.link.FileOp;
import kiln.link.LatencyBuckets;
import kiln.link.Stressor;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.supervisor.History;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;

/** What people read at the end of a run: the summary table and the HTML report. */
final class ReportTextTest {
    private static Report report(Map<String, Long> errors, Map<String, Long> verify) {
        return report(errors, verify, Report.Findings.none());
    }

    private static Report report(Map<String, Long> errors, Map<String, Long> verify, Report.Findings findings) {
        Settings s = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "0"));
        long[] lat = new long[LatencyBuckets.COUNT];
        lat[3] = 900;
        lat[6] = 100;
        WorkerStats totals = new WorkerStats(9, files(1000, 990, 10).errors(fileErrors(errors)).latency(lat, 0).build(),
                new WorkerStats.Cpu(Map.of("int", 50L, "float", 30L), 0), 0, verifyErrors(verify), 0);
        List<WorkerView> workers = List.of(new WorkerView(0, WorkerState.STOPPED, totals, 0, 0, null, 0, 0, "0"),
                new WorkerView(1, WorkerState.FAILED, WorkerStats.zero(), 5, 0, null, 0, 0, "1"));
        return Report.builder(s).workers(workers).totals(totals).elapsed(Duration.ofSeconds(10))
                .cpuLoad(0.5).restarts(5).fileIo(kiln.link.IoPath.NATIVE).findings(findings).build();
    }

    /** 1 KiB files, 62 of them read back. */
    private static FileStats.Builder files(long created, long deleted, long kept) {
        return FileStats.builder().created(created, created * 1024).deleted(deleted, 0).verified(62).now(0, kept, false);
    }

    /** Failed file operations by their report words: an op's or a cause's. */
    private static FileErrors fileErrors(Map<String, Long> byWord) {
        Map<FileOp, Long> ops = new java.util.EnumMap<>(FileOp.class);
        Map<FileErrorCause, Long> causes = new java.util.EnumMap<>(FileErrorCause.class);
        byWord.forEach((word, n) -> java.util.Arrays.stream(FileOp.values()).filter(op -> op.word().equals(word)).findFirst()
                .ifPresentOrElse(op -> ops.put(op, n), () -> causes.put(FileErrorCause.valueOf(word.toUpperCase(java.util.Locale.ROOT)), n)));
        return FileErrors.of(ops, causes);
    }

    private static Map<Stressor, Long> verifyErrors(Map<String, Long> byLabel) {
        Map<Stressor, Long> out = new java.util.EnumMap<>(Stressor.class);
        byLabel.forEach((label, n) -> out.put(Stressor.parse(label).orElseThrow(), n));
        return out;
    }

    /**
     * The summary, each line checked to keep to 119 columns, with its continuation lines (indented
     * past the row's start) joined back, so that what it says can be asserted whatever the wrapping.
     */
    private static String summary(Report r) {
        StringWriter w = new StringWriter();
        new Summary(new PrintWriter(w, true)).print(r);
        for (String line : w.toString().lines().toList()) {
            assertTrue(line.length() <= kiln.util.Wrap.COLUMNS, "fits 120 columns: " + line.length() + ": " + line);
        }
        return w.toString().replaceAll("\n {12,}", " ");
    }

    @Test
    void summary_tellsWhatEachStressorDid_andTheVerdict() {
        String text = summary(report(Map.of("create", 2L, "full", 2L), Map.of("cpu", 0L))); // a full disk: not held against it
        assertTrue(text.contains("files     1,000 files          100 files/s        0              1000.0 KiB written, 990 deleted,"),
                "the row starts with its first notes: " + text);
        assertTrue(text.contains("kiln run: 10s, 2 workers (5 restarts, 1 failed)"), text);
        assertTrue(text.contains("files     1,000 files          100 files/s"), text);
        assertTrue(text.contains("1000.0 KiB written, 990 deleted, 62 read back, 2 I/O errors"), text);
        assertTrue(text.contains("cpu       80 ops               8 ops/s"), text);
        assertTrue(text.contains("host busy 50.0%, int 50, float 30\n"), "methods in a fixed order, not a map: " + text);
        assertTrue(text.contains("  verdict: DEGRADED (w1 failed (crash loop))"), "a worker given up on is not a pass: " + text);
    }

    @Test
    void aWorkerHungAtStart_degradesTheRun_andSaysSo() {
        Settings s = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "0"));
        WorkerStats totals = new WorkerStats(9, files(1000, 990, 10).build(), new WorkerStats.Cpu(Map.of("int", 50L), 0), 0, Map.of(), 0);
        List<WorkerView> workers = List.of(new WorkerView(0, WorkerState.STOPPED, totals, 0, 0, null, 0, 0, "0"),
                new WorkerView(1, WorkerState.STOPPED, WorkerStats.zero(), 1, 0, null, 1, 1, "1"));
        Report r = Report.builder(s).workers(workers).totals(totals).elapsed(Duration.ofSeconds(10))
                .cpuLoad(0.5).restarts(5).fileIo(kiln.link.IoPath.NATIVE).build();
        assertEquals(List.of("w1 hung at start once (never reported in: killed and restarted) and stalled once"), r.unhealthyWorkers());
        assertEquals("degraded", r.verdict());
        @SuppressWarnings("unchecked")
        Map<String, Object> w = (Map<String, Object>) r.toMap().get("workers");
        assertEquals(1L, w.get("hung_at_start"));
        assertTrue(HtmlReport.render(r, new History()).contains("2 (5 restarts, 1 stall, 1 hung at start)"), "the HTML report says it too");
    }

    @Test
    void filesDeletedAtTheFloor_areSaid_inTheSummaryAndTheReport() {
        Settings s = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "0"));
        WorkerStats totals = new WorkerStats(9, files(1000, 990, 10).deleted(990, 700).build(),
                new WorkerStats.Cpu(Map.of("int", 50L), 0), 0, Map.of(), 0);
        Report r = Report.builder(s).workers(List.of(new WorkerView(0, WorkerState.STOPPED, totals, 0, 0, null, 0, 0, "0"))).totals(totals).elapsed(Duration.ofSeconds(10))
                .cpuLoad(0.5).fileIo(kiln.link.IoPath.NATIVE).build();
        assertTrue(summary(r).contains("990 deleted (700 to make room at the free-space or inode floor), 62 read back"), summary(r));
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) r.toMap().get("files");
        assertEquals(700L, files.get("deleted_at_floor"));
        assertFalse(summary(report(Map.of(), Map.of())).contains("free-space floor"), "said only when it happened");
    }

    @Test
    void warningsSaidAtStart_areKeptInTheReport_jsonAndHtml() {
        Report.Findings told = new Report.Findings(List.of(), new kiln.sampler.Evidence(Map.of()), new kiln.sampler.Evidence(Map.of()),
                List.of(), List.of(), Map.of(), "duration reached", false,
                List.of("the CPU ramp (2m) is longer than the run (1m): the load reaches 50% of its 100% target by the end"));
        Report r = report(Map.of(), Map.of(), told);
        assertEquals(List.of("the CPU ramp (2m) is longer than the run (1m): the load reaches 50% of its 100% target by the end"), r.toMap().get("warnings"));
        String html = HtmlReport.render(r, new History());
        assertTrue(html.contains("<tr><th>warning</th><td>the CPU ramp (2m) is longer than the run (1m): the load reaches 50% of its 100% target by the end</td></tr>"),
                "the kept report says what was said at start, not only the terminal");
        assertFalse(report(Map.of(), Map.of()).toMap().containsKey("warnings"), "a run told nothing has no warnings field");
    }

    @Test
    void summary_failAndTampering_sayWhy() {
        assertTrue(summary(report(Map.of(), Map.of("memory", 3L))).contains("verdict: FAIL (3 verification errors, first: 3 in memory)"));
        String tampered = summary(report(Map.of("tamper", 2L), Map.of()));
        assertTrue(tampered.contains("verdict: INCONCLUSIVE (2 times a link or foreign entry stood where kiln's own should be"), tampered);
        assertTrue(tampered.contains("0 I/O errors"), "tampering is not an I/O error: " + tampered);
    }

    @Test
    void report_json_carriesThePathAndTheCounts() {
        Map<String, Object> m = report(Map.of("tamper", 1L, "delete", 4L), Map.of("cpu", 1L)).toMap();
        assertEquals("fail", m.get("verdict"), "a verification error outweighs tampering");
        @SuppressWarnings("unchecked")
        Map<String, Object> files = (Map<String, Object>) m.get("files");
        assertEquals("native", files.get("io"));
        assertEquals(1L, files.get("tampered"));
        assertEquals(4L, files.get("errors"), "I/O errors only");
        assertEquals(Map.of("cpu", 1L, "files", 0L, "memory", 0L), m.get("verify_errors"));
    }

    @Test
    void html_axes_useRoundSteps() {
        assertEquals(20, SvgChart.niceStep(100, 5), 1e-9);
        assertEquals(5, SvgChart.niceStep(10, 4), 1e-9, "2.5 a step rounds up to 5");
        assertEquals(0.5, SvgChart.niceStep(2, 4), 1e-9);
        assertEquals(2000, SvgChart.niceStep(6_123, 4), 1e-9);
        assertEquals(1, SvgChart.niceStep(0, 4), 1e-9, "a flat series still gets an axis");
        assertEquals(1, SvgChart.timeStep(6, 8));
        assertEquals(5, SvgChart.timeStep(30, 8));
        assertEquals(600, SvgChart.timeStep(3600, 8), "an hour in ten-minute steps");
        assertEquals(10800, SvgChart.timeStep(86400, 8), "a day in three-hour steps");
    }

    @Test
    void html_isOnePageWithNothingFromOutside() {
        History h = new History();
        for (int s = 0; s < 10; s++) {
            h.add(s, 100 + s, 50, Double.NaN, Double.NaN, 3.5, Double.NaN, 0, 0);
        }
        String page = HtmlReport.render(report(Map.of("tamper", 1L), Map.of()), h);
        assertTrue(page.startsWith("<!DOCTYPE html>"), page.substring(0, 40));
        assertTrue(page.contains("INCONCLUSIVE"), "the verdict is shown as it is, not folded into FAIL");
        assertTrue(page.contains("<script type=\"application/json\" id=\"kiln-report\">"), "the data rides along");
        assertFalse(page.contains("<script src") || page.contains("<link ") || page.contains("http://") || page.contains("https://"),
                "no outside resources: the page opens offline");
    }

    @Test
    void aCpuError_saysItsLaneMaskRetestAndReplay_inTheJsonTheSummaryAndThePage() {
        Report plain = report(Map.of(), Map.of("cpu", 1L));
        kiln.link.CpuMiscompare c = new kiln.link.CpuMiscompare(0xC0FFEEL, 6, 2, 1L << 17, 1,
                List.of(new kiln.link.CpuMiscompare.Trial("3", 20, 20), new kiln.link.CpuMiscompare.Trial("5", 1, 0)),
                "kiln replay --cpu 3 --method fma --seed c0ffee");
        kiln.supervisor.VerifyErrorLog.Entry e = new kiln.supervisor.VerifyErrorLog.Entry(1, "3", kiln.link.Stressor.CPU, "fma", "3fe2", "3fe3",
                "2600 MHz", 1_800_000_000_000L, c);
        Report r = plain.toBuilder()
                .cpuLoad(0.5).restarts(5).fileIo(kiln.link.IoPath.NATIVE)
                .findings(new Report.Findings(List.of(e), plain.findings().before(), plain.findings().after(), List.of(), List.of(), Map.of(),
                        "duration reached", false)).build();
        Map<String, Object> m = r.toMap();
        Map<?, ?> first = (Map<?, ?>) ((List<?>) ((Map<?, ?>) m.get("errors")).get("first")).get(0);
        assertEquals("c0ffee", first.get("seed"));
        assertEquals(6, first.get("element"));
        assertEquals(2, first.get("lane"));
        assertEquals("0000000000020000", first.get("mask"));
        Map<?, ?> retest = (Map<?, ?>) first.get("retest");
        assertEquals(21, retest.get("runs"));
        assertEquals(20, retest.get("failed"));
        assertEquals("mercurial core", retest.get("kind"));
        assertEquals(List.of(Map.of("cpu", 3, "cpus", List.of(3), "runs", 20, "failed", 20),
                        Map.of("cpu", 5, "cpus", List.of(5), "runs", 1, "failed", 0)),
                retest.get("per_cpu"));
        assertEquals("kiln replay --cpu 3 --method fma --seed c0ffee", first.get("replay"));
        List<?> reasons = (List<?>) m.get("verdict_reasons");
        assertTrue(reasons.get(0).toString().contains("mercurial core: 20 of 20 on cpu 3, 0 of 1 on cpu 5"), "the reason says which kind: "
                + reasons);
        String text = summary(r);
        assertTrue(text.contains("  replay: kiln replay --cpu 3 --method fma --seed c0ffee   (mercurial core: 20 of 20 on cpu 3, 0 of 1"
                + " on cpu 5)"), text);
        String page = HtmlReport.render(r, new History());
        assertTrue(page.contains("<td>2</td><td>0000000000020000</td><td></td><td>mercurial core: 20 of 20 on cpu 3, 0 of 1 on cpu 5</td>"
                + "<td><code>kiln replay --cpu 3 --method fma --seed c0ffee</code></td>"), page);
    }

    @Test
    void cpuMethods_giveOpsAndTheHonestRate() {
        Map<?, ?> cpu = (Map<?, ?>) report(Map.of(), Map.of()).toMap().get("cpu");
        Map<?, ?> methods = (Map<?, ?>) cpu.get("methods");
        assertEquals(List.of("int", "float"), List.copyOf(methods.keySet()), "the methods that ran, in registration order");
        assertEquals(Map.of("ops", 50L, "ops_per_second", 5.0), methods.get("int"));
        assertEquals(Map.of("ops", 30L, "ops_per_second", 3.0, "flops_per_second", 3.0 * 2 * 48 * 48 * 48), methods.get("float"));
    }

    @Test
    void html_showsWhoWhereAndTheErrors_atTheTop() {
        Report plain = report(Map.of(), Map.of("cpu", 1L));
        kiln.supervisor.VerifyErrorLog.Entry e = new kiln.supervisor.VerifyErrorLog.Entry(1, "1", kiln.link.Stressor.CPU, "float", "3ff0", "3ff2", "",
                1_800_000_000_000L);
        kiln.sampler.Evidence before = kiln.sampler.Evidence.read(java.nio.file.Path.of("src/test/resources/evidence/server-before"));
        kiln.sampler.Evidence after = kiln.sampler.Evidence.read(java.nio.file.Path.of("src/test/resources/evidence/server-after"));
        Report r = plain.toBuilder()
                .cpuLoad(0.5).restarts(5).fileIo(kiln.link.IoPath.NATIVE)
                .findings(new Report.Findings(List.of(e), before, after, List.of(), List.of(),
                        Map.of("hostname", "node-17", "cpu_model", "Test CPU @ 3.0GHz", "microcode", "0xde", "start",
                                "2027-01-15T07:59:50.123456789Z", "end", "2027-01-15T08:00:00.987Z"), "duration reached", false)).build();
        Map<String, Object> m = r.toMap();
        assertEquals(3, m.get("schema_version"));
        assertEquals("node-17", m.get("hostname"), "identity leads the report");
        String page = HtmlReport.render(r, new History());
        int verdict = page.indexOf("<div class=\"verdict fail\">FAIL</div>");
        int machine = page.indexOf("<table class=\"identity\">");
        int errors = page.indexOf("<table class=\"errors\">");
        int charts = page.indexOf("<h2>Over time</h2>");
        assertTrue(verdict > 0 && machine > verdict && errors > machine && charts > errors, "verdict, machine, errors, then charts");
        assertTrue(page.contains("<td>node-17</td>") && page.contains("<td>0xde</td>"), page.substring(machine, errors));
        assertTrue(page.contains("<td>2027-01-15T08:00:00Z</td><td>1</td><td>1</td><td>cpu</td><td>float</td><td>3ff0</td><td>3ff2</td>"),
                page.substring(errors, charts));
        assertTrue(page.contains("<li>1 verification error: w1 cpu 1 cpu/float: expected 3ff0 got 3ff2</li>"), "the reasons");
        assertTrue(page.contains("<tr><td title=\"machine_checks\">machine check exceptions (/proc/interrupts MCE)</td><td>0</td><td>1</td>"
                + "<td>1</td></tr>"), "the evidence in words, before/after/delta: " + page.substring(errors, charts));
        int run = page.indexOf("<table class=\"run\">");
        assertTrue(run > machine && run < errors, "the run after the machine");
        String runTable = page.substring(run, page.indexOf("</table>", run));
        assertTrue(runTable.contains("<tr><th>start</th><td>2027-01-15 07:59:50 UTC</td></tr>"), "to the second, in words: " + runTable);
        assertTrue(runTable.contains("<tr><th>end</th><td>2027-01-15 08:00:00 UTC</td></tr>"), runTable);
        assertTrue(runTable.contains("<tr><th>duration</th><td>10s</td></tr>"), runTable);
        assertTrue(runTable.contains("<tr><th>ended by</th><td>duration reached</td></tr>"), runTable);
        assertTrue(runTable.contains("<tr><th>workers</th><td>2 (5 restarts, 1 failed)</td></tr>"), runTable);
        assertTrue(runTable.contains("<tr><th>file I/O</th><td>native</td></tr>"), runTable);
    }

    @Test
    void aRunCutShort_isInconclusive_andSaysHowFarItGot() {
        Report.Findings stopped = new Report.Findings(List.of(), new kiln.sampler.Evidence(Map.of()), new kiln.sampler.Evidence(Map.of()),
                List.of(), List.of(), Map.of(), "stopped on request", true);
        Report r = report(Map.of(), Map.of(), stopped);
        String text = summary(r);
        assertTrue(text.contains("kiln run: 10s of 10m00s (stopped on request), 2 workers"), text);
        assertTrue(text.contains("verdict: INCONCLUSIVE (the run was cut short: stopped on request after 10s of 10m00s)"), text);
        assertTrue(text.contains("also: w1 failed (crash loop)"), "the other findings still show: " + text);
        Map<String, Object> m = r.toMap();
        assertEquals("inconclusive", m.get("verdict"));
        assertEquals("stopped on request", m.get("outcome"));
        assertTrue(HtmlReport.render(r, new History()).contains("<tr><th>ended by</th><td>stopped on request</td></tr>"));

        Report whole = report(Map.of(), Map.of(), new Report.Findings(List.of(), new kiln.sampler.Evidence(Map.of()),
                new kiln.sampler.Evidence(Map.of()), List.of(), List.of(), Map.of(), "duration reached", false));
        assertEquals("degraded", whole.verdict(), "the same run gone its course: only the failed worker counts");
        assertTrue(summary(whole).contains("kiln run: 10s, 2 workers"), summary(whole));
    }

    @Test
    void aWorkerStarvedByTheHost_isSaid_andTheRunStillPasses() {
        Settings s = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "0"));
        WorkerStats totals = new WorkerStats(9, files(1000, 1000, 0).build(), new WorkerStats.Cpu(Map.of("int", 50L), 0), 0, Map.of(), 0);
        List<WorkerView> workers = List.of(new WorkerView(0, WorkerState.STOPPED, totals, 0, 0, null, 0, 0, "0"),
                new WorkerView(1, WorkerState.STOPPED, WorkerStats.zero(), 0, 0, null, 0, 0, "1", 2));
        Report r = Report.builder(s).workers(workers).totals(totals).elapsed(Duration.ofSeconds(10))
                .cpuLoad(0.5).fileIo(kiln.link.IoPath.NATIVE).build();
        assertEquals("pass", r.verdict(), "the host's load is not the hardware's fault");
        String text = summary(r);
        assertTrue(text.contains("  not held against the machine: w1 starved of CPU by the host twice (runnable but given no CPU:"
                + " other load on the host, or steal)"), text);
        @SuppressWarnings("unchecked")
        Map<String, Object> w = (Map<String, Object>) r.toMap().get("workers");
        assertEquals(List.of("w1 starved of CPU by the host twice"), w.get("starved"));
    }
}
