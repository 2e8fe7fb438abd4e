package kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.link.LatencyBuckets;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.sampler.Evidence;
import kiln.supervisor.History;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A burn-in record says what was tested, whether a fault was injected, and what its verdict rests on; its JSON reads as written. */
final class BurnInRecordTest {
    @TempDir
    Path tmp;

    static Report report(Map<String, Object> overrides, Duration elapsed, Report.Findings findings) {
        Map<String, Object> conf = new HashMap<>(Map.of("kiln.memory.size", "0", "kiln.run.duration", "3m"));
        conf.putAll(overrides);
        Settings s = new SettingsLoader(2).load(null, conf);
        long[] lat = new long[LatencyBuckets.COUNT];
        lat[3] = 900; // ≤ 100 µs
        lat[6] = 100; // ≤ 1 ms
        WorkerStats w0 = new WorkerStats(9, FileStats.builder().created(1000, 1000 * 1024).deleted(990, 0).verified(62)
                .now(0, 10, false).latency(lat, 150_000_000L).build(),
                new WorkerStats.Cpu(Map.of("int", 50L, "float", 30L), 0), 1_263_807_688L * 180, Map.of(), 0);
        List<WorkerView> workers = List.of(new WorkerView(0, WorkerState.STOPPED, w0, 0, 0, null, 0, 0, "0"),
                new WorkerView(1, WorkerState.STOPPED, WorkerStats.zero(), 0, 0, null, 0, 0, "1"));
        return Report.builder(s).workers(workers).totals(w0).elapsed(elapsed)
                .cpuLoad(0.5).fileIo(kiln.link.IoPath.NATIVE).findings(findings).build();
    }

    static Report report(Map<String, Object> overrides) {
        return report(overrides, Duration.ofMinutes(3), Report.Findings.none());
    }

    /** The summary with its wrapped notes joined again: what it says, whatever the terminal width. */
    private static String summary(Report r) {
        StringWriter w = new StringWriter();
        new Summary(new PrintWriter(w, true)).print(r);
        return w.toString().replaceAll("\n {3,}", " ");
    }

    private static List<String> topKeys(String json) {
        List<String> keys = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  \"([a-z_]+)\" :").matcher(json);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    @Test
    void json_keepsTheReportsOrder_schemaAndIdentityFirst_configurationLast() {
        Map<String, Object> identity = new java.util.LinkedHashMap<>();
        identity.put("hostname", "h1");
        identity.put("start", "2026-12-06T10:00:00Z");
        identity.put("end", "2026-12-06T10:03:00Z");
        identity.put("kiln_version", "9.9.9");
        identity.put("configuration", Map.of("cpu", Map.of("load", 100)));
        Report.Findings f = new Report.Findings(List.of(), new Evidence(Map.of()), new Evidence(Map.of()), List.of(), List.of(),
                identity, "duration reached", false);
        List<String> keys = topKeys(report(Map.of(), Duration.ofMinutes(3), f).toJson());
        assertEquals(List.of("schema_version", "hostname", "start", "end", "kiln_version"), keys.subList(0, 5), keys.toString());
        assertEquals("configuration", keys.get(keys.size() - 1), "the raw settings come last: " + keys);
        assertTrue(keys.indexOf("verdict") < keys.indexOf("evidence"), keys.toString());
    }

    @Test
    void json_writesSizesAndRatesAsPlainNumbers() {
        String json = report(Map.of()).toJson();
        assertFalse(java.util.regex.Pattern.compile("\\d[eE][+-]?\\d").matcher(json).find(), "no exponent anywhere: " + json);
        assertTrue(json.contains("\"bytes_per_second\" : 1263807688"), json);
        assertTrue(json.contains("\"bytes\" : 227485383840"), json);
        assertEquals("0.0001", JsonText.number(1e-4));
        assertEquals("1263807688", JsonText.number(1.263807688E9));
        assertEquals("null", JsonText.number(Double.NaN));
        Config parsed = ConfigFactory.parseString(json);
        assertEquals(1_263_807_688L, parsed.getLong("memory.bytes_per_second"), "still JSON a parser reads");
    }

    @Test
    void json_givesLatencyAsFioDoes() {
        Config c = ConfigFactory.parseString(report(Map.of()).toJson()).getConfig("files.create_latency_seconds");
        assertEquals(1000, c.getLong("count"));
        assertEquals(1.5e-4, c.getDouble("mean"), 1e-12, "sum over count, exact");
        assertEquals(5e-5, c.getDouble("min"), 1e-12, "at least the lower bound of the first bucket used");
        assertEquals(1e-3, c.getDouble("max"), 1e-12);
        assertEquals(1e-4, c.getDouble("percentiles.\"50\""), 1e-12);
        assertEquals(1e-3, c.getDouble("percentiles.\"99\""), 1e-12);
        assertEquals(1e-3, c.getDouble("percentiles.\"99.9\""), 1e-12);
    }

    @Test
    void anInjectedFault_isSaidLoudly_inTheJsonTheSummaryAndTheHtml() {
        Report r = report(Map.of("kiln.run.inject-fault", "cpu"));
        Config c = ConfigFactory.parseString(r.toJson());
        assertEquals("cpu", c.getString("injected_fault.target"));
        assertTrue(c.getString("injected_fault.note").contains("not a hardware failure"), c.getString("injected_fault.note"));
        assertTrue(summary(r).contains("!! a fault was INJECTED on purpose (--inject-fault cpu)"), summary(r));
        String html = HtmlReport.render(r, new History());
        assertTrue(html.contains("<div class=\"injected\" id=\"injected-fault\">FAULT INJECTED ON PURPOSE"), html);
        assertTrue(html.indexOf("id=\"injected-fault\"") < html.indexOf("<h2>Machine</h2>"), "near the top, under the verdict");

        Report sticky = report(Map.of("kiln.run.inject-fault", "cpu:fma:sticky"));
        assertEquals("cpu:fma:sticky", ConfigFactory.parseString(sticky.toJson()).getString("injected_fault.target"));
        assertTrue(summary(sticky).contains("!! a fault was INJECTED on purpose (--inject-fault cpu:fma:sticky): every result of cpu:fma"
                + " on worker 0 from then on (as a bad core's) was corrupted by kiln"), summary(sticky));
        assertTrue(Tested.injectedNote("cpu:sticky").contains("every result of the next cpu method to run on worker 0 from then on"));

        Report clean = report(Map.of());
        assertTrue(ConfigFactory.parseString(clean.toJson()).getIsNull("injected_fault"), "null when nothing was injected");
        assertFalse(summary(clean).contains("INJECTED"));
        assertFalse(HtmlReport.render(clean, new History()).contains("id=\"injected-fault\""));
    }

    @Test
    void aPassOnFewEvidenceSources_saysWhatItRestsOn() {
        Map<Evidence.Source, Map<String, Long>> some = new java.util.LinkedHashMap<>();
        some.put(kiln.sampler.Interrupts.MACHINE_CHECKS, Map.of("cpu0", 0L));
        some.put(kiln.sampler.OomKills.KILLS, Map.of("vmstat", 0L));
        Evidence e = new Evidence(some);
        Report r = report(Map.of(), Duration.ofMinutes(3), new Report.Findings(List.of(), e, e, List.of(), List.of(), Map.of(), "", false));
        assertEquals("pass", r.verdict());
        String caveat = "PASS rests on kiln's own checks (every result compared with its known answer) and 2 of "
                + kiln.sampler.EvidenceSources.BUILT_IN.sources().size() + " hardware evidence sources: machine_checks, oom_kills read; edac_corrected,";
        assertTrue(summary(r).contains("  note: " + caveat), summary(r));
        Config c = ConfigFactory.parseString(r.toJson());
        assertEquals(List.of("machine_checks", "oom_kills"), c.getStringList("verdict_rests_on.evidence_read"));
        assertTrue(c.getStringList("verdict_rests_on.evidence_absent").contains("edac_corrected"));
        assertTrue(HtmlReport.render(r, new History()).contains("<p class=\"caveat\" id=\"verdict-rests-on\">" + caveat));

        Map<Evidence.Source, Map<String, Long>> all = new java.util.LinkedHashMap<>();
        for (Evidence.Source s : kiln.sampler.EvidenceSources.BUILT_IN.sources()) {
            all.put(s, Map.of("x", 0L));
        }
        Evidence full = new Evidence(all);
        Report wellSeen = report(Map.of(), Duration.ofMinutes(3), new Report.Findings(List.of(), full, full, List.of(), List.of(), Map.of(), "", false));
        assertFalse(summary(wellSeen).contains("note: "), "no caveat when the evidence was there: " + summary(wellSeen));
    }

    @Test
    void html_saysWhatWasTested_inWords_nearTheTop() throws Exception {
        Report r = report(Map.of("kiln.files.dir", tmp.toString(), "kiln.cpu.load", 70, "kiln.files.fsync", true, "kiln.files.verify", true));
        String html = HtmlReport.render(r, new History());
        int tested = html.indexOf("<h2>What was tested</h2>");
        assertTrue(tested > 0 && tested < html.indexOf("<h2>Machine</h2>"), "before the machine and the figures");
        assertTrue(html.contains("<tr><th>time</th><td>3m</td></tr>"), "a duration as people write it, not PT3M: " + html);
        assertTrue(html.contains("<tr><th>cpu</th><td>burners at 70% of each core, methods int, float"), html);
        assertTrue(html.contains("<tr><th>files</th><td>1.0 KiB files in " + tmp), html);
        assertTrue(html.contains("each fsynced before it counts, every 16th read back and its checksum checked; stopping at 1.0 GiB free"), html);
        assertEquals("1h30m", Tested.shortDuration(Duration.ofMinutes(90)));
        assertEquals("1m05s", Tested.shortDuration(Duration.ofSeconds(65)));
        Report mem = report(Map.of("kiln.memory.size", "64m"));
        Report held = mem.toBuilder()
                .cpuLoad(0.5).memoryBytes(64L << 20).fileIo(kiln.link.IoPath.NIO).findings(mem.findings()).build();
        assertTrue(HtmlReport.render(held, new History()).contains("<tr><th>memory</th><td>64.0 MiB held off-heap, written and read back"));
    }

    @Test
    void mount_ofADirectory_isTheLongestMountPointAbove_it() throws Exception {
        Path mountinfo = tmp.resolve("mountinfo");
        Files.writeString(mountinfo, """
                22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
                30 22 0:26 / /dev/shm rw,nosuid,nodev shared:4 - tmpfs tmpfs rw
                41 22 7:0 / /mnt/burn\\040in rw,relatime shared:9 - xfs /dev/loop0 rw
                """);
        assertEquals("ext4 on /dev/vda1", Tested.Mount.of(Path.of("/srv/kiln-data"), mountinfo).toString());
        assertEquals("tmpfs on tmpfs mounted at /dev/shm", Tested.Mount.of(Path.of("/dev/shm/k"), mountinfo).toString());
        assertEquals("xfs on /dev/loop0 mounted at /mnt/burn in", Tested.Mount.of(Path.of("/mnt/burn in/x"), mountinfo).toString());
        assertNull(Tested.Mount.of(Path.of("/x"), tmp.resolve("absent")));
    }

    @Test
    void summary_saysWhatHeldTheFileRate() {
        Report r = report(Map.of("kiln.files.dir", "/dev/shm/kiln-test", "kiln.cpu.load", 100));
        String text = summary(r);
        assertTrue(text.contains("  file rate held by: the file system (tmpfs on tmpfs mounted at /dev/shm): memory-backed, so no disk"
                + " is involved; the CPU burners on the same cores (100% of each)"), text);
        assertTrue(ConfigFactory.parseString(r.toJson()).getStringList("files.rate_bounded_by").size() == 2);
    }

    @Test
    void perCore_section_showsEachWorkersWorkPerMethod() {
        Report r = report(Map.of(), Duration.ofMinutes(3), new Report.Findings(List.of(), new Evidence(Map.of()), new Evidence(Map.of()),
                List.of(), List.of(), Map.of("cpu_frequency_at_end_hz", Map.of("0", 2_600_000_000L)), "", false));
        Config c = ConfigFactory.parseString(r.toJson());
        List<? extends Config> w = c.getConfigList("per_worker");
        assertEquals(2, w.size());
        assertEquals("0", w.get(0).getString("cpus"));
        assertEquals(50, w.get(0).getLong("cpu_ops_by_method.int"));
        assertEquals(2_600_000_000L, w.get(0).getLong("frequency_hz_at_end"), "its cpu's clock as the run ended");
        assertTrue(w.get(1).getIsNull("frequency_hz_at_end"), "none said for cpu 1");
        String html = HtmlReport.render(r, new History());
        assertTrue(html.contains("<h2>Per core</h2>"), html);
        assertTrue(html.contains("<tr><td>w0</td><td>0</td><td>stopped</td><td>int 50, float 30</td><td>1,000</td>"), html);
        assertTrue(html.contains("<td>2.60 GHz</td></tr>") && html.contains("<td>not reported</td></tr>"), html);
    }

    @Test
    void charts_leaveOutTheStopPhase_andFlatZeroCounters() {
        History h = new History();
        double[] quiet = {100, 50, 3.0, Double.NaN, 1, 0, 0, 0};
        for (int s = 0; s < 10; s++) {
            h.add(s, quiet);
        }
        h.add(10.5, 90_000, 50, 3.0, Double.NaN, 1, 0, 0, 0); // the stop: every worker's last count at once
        String html = HtmlReport.render(report(Map.of(), Duration.ofSeconds(10), Report.Findings.none()), h);
        String chart = html.substring(html.indexOf("<svg id=\"chart-files_per_second\""));
        chart = chart.substring(0, chart.indexOf("</svg>"));
        assertFalse(chart.contains(">90.0k<") || chart.contains(">100.0k<"), "the y axis is not stretched by the stop: " + chart);
        assertFalse(html.contains("<svg id=\"chart-verify_errors\""), "no chart of a counter that stayed at zero");
        assertFalse(html.contains("<svg id=\"chart-file_errors\""));
        assertTrue(html.contains("<p class=\"zero\" id=\"zero-counters\">Zero throughout the run: Verification errors (cumulative);"
                + " File I/O errors (cumulative).</p>"), html);
    }
}
