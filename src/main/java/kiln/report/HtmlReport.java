package kiln.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kiln.link.Stressor;
import kiln.supervisor.History;

/**
 * One self-contained HTML page for burn-in records without a Prometheus at hand: the verdict, the
 * summary per stressor, and charts over time (inline SVG, no scripts or outside resources). The
 * report and the series are also embedded as JSON ({@code <script type="application/json"
 * id="kiln-report">}) for machines.
 */
public final class HtmlReport {
    private static final Map<String, String> TITLES = new LinkedHashMap<>();

    static {
        TITLES.put("files_per_second", "Files created per second");
        TITLES.put("cpu_load_percent", "CPU load (all cores), %");
        TITLES.put("cpu_frequency_ghz", "CPU frequency, GHz (mean of cores)");
        TITLES.put("cpu_temperature_celsius", "CPU temperature, °C");
        TITLES.put("memory_used_gib", "Memory used, GiB");
        TITLES.put("memory_stress_gib_per_second", "Memory stressor, GiB/s written + verified");
        TITLES.put("verify_errors", "Verification errors (cumulative)");
        TITLES.put("file_errors", "File I/O errors (cumulative)");
    }

    /** Series that belong to one stressor: drawn only when it ran. The others describe the host. */
    private static final Map<String, Stressor> STRESSOR_OF = Map.of("files_per_second", Stressor.FILES, "file_errors", Stressor.FILES,
            "memory_stress_gib_per_second", Stressor.MEMORY);

    /** Cumulative counters: charted only when one counted something. */
    private static final java.util.Set<String> COUNTERS = java.util.Set.of("verify_errors", "file_errors");

    private HtmlReport() {
    }

    private static boolean ran(Report r, Stressor s) {
        return switch (s) {
            case FILES -> r.settings().files().enabled();
            case CPU -> r.settings().cpu().enabled();
            case MEMORY -> r.measured().memoryBytes() > 0;
        };
    }

    private static java.time.Instant startOf(Report r) {
        try {
            return r.findings().identity().get("start") instanceof String s ? java.time.Instant.parse(s) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** The page of {@code r}, with charts of {@code history}; the report's JSON document goes in whole, for machines. */
    public static String render(Report r, History history) {
        Map<String, List<Double>> cols = history.columns();
        Verdict judged = r.judgement();
        String verdict = judged.outcome().label();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>kiln report: ")
                .append(esc(verdict.toUpperCase(Locale.ROOT))).append("</title>\n<style>\n")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:920px}\n")
                .append(".verdict{font-size:28px;font-weight:700;padding:10px 16px;border-radius:6px;color:#fff;display:inline-block}\n")
                .append(".pass{background:#2e7d32}.fail{background:#c62828}.degraded,.inconclusive{background:#ef6c00}\n")
                .append("table{border-collapse:collapse;margin:12px 0}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}\n")
                .append("th{background:#f4f4f4}h2{margin-top:28px;font-size:17px}\n")
                .append("svg{background:#fafafa;border:1px solid #e4e4e4}.axis{font-size:11px;fill:#555}\n")
                .append(".grid line,.frame{shape-rendering:crispEdges}.grid line{stroke:#e0e0e0;stroke-width:1}.frame{stroke:#888;stroke-width:1}h3{margin:16px 0 4px;font-size:14px}\n")
                .append(".line{fill:none;stroke:#1565c0;stroke-width:1.5}.none{fill:#999;font-size:13px}\n")
                .append(".injected{border:3px solid #c62828;background:#ffebee;color:#b71c1c;font-weight:700;padding:10px 14px;margin:12px 0}\n")
                .append(".caveat{border-left:4px solid #ef6c00;background:#fff3e0;padding:8px 12px;margin:12px 0}\n")
                .append("</style></head><body>\n");
        h.append("<h1>kiln ").append(esc(kiln.util.Version.current())).append(" burn-in report</h1>\n");
        h.append("<div class=\"verdict ").append(esc(verdict)).append("\">").append(esc(verdict.toUpperCase(Locale.ROOT))).append("</div>\n");
        if (!judged.reasons().isEmpty()) {
            h.append("<ul class=\"reasons\">\n");
            for (String reason : judged.reasons()) {
                h.append("<li>").append(esc(reason)).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        if (r.faultInjected()) {
            // the note begins by saying what the banner's title says: "(--inject-fault cpu): one cpu result was …"
            h.append("<div class=\"injected\" id=\"injected-fault\">FAULT INJECTED ON PURPOSE ")
                    .append(esc(Tested.injectedNote(r.settings().run().injectFault()).replaceFirst("^a fault was INJECTED on purpose ", "")))
                    .append("</div>\n");
        }
        String caveat = Tested.RestsOn.of(r.findings()).caveat(verdict);
        if (caveat != null) {
            h.append("<p class=\"caveat\" id=\"verdict-rests-on\">").append(esc(caveat)).append("</p>\n");
        }
        Map<String, Object> report = r.toMap(); // once: it judges the run and sums every worker
        HtmlTables.tested(h, r);
        HtmlTables.identity(h, r);
        HtmlTables.run(h, r);
        HtmlTables.errors(h, r);
        HtmlTables.stressors(h, r);
        HtmlTables.memoryPatterns(h, r);
        Strength.html(h, report);
        HtmlTables.perWorker(h, r);
        overTime(h, r, cols);
        h.append("<h2>All figures</h2>\n<table>\n");
        flatten("", report, h);
        h.append("</table>\n");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("report", report);
        data.put("series", cols);
        h.append("<script type=\"application/json\" id=\"kiln-report\">\n")
                .append(JsonText.compact(data).replace("</", "<\\/")).append("\n</script>\n</body></html>\n");
        return h.toString();
    }

    /** One chart per series that says something; the counters that stayed at zero in one sentence. */
    private static void overTime(StringBuilder h, Report r, Map<String, List<Double>> cols) {
        h.append("<h2>Over time</h2>\n");
        java.time.Instant start = startOf(r);
        h.append("<p class=\"note\">Times are UTC").append(start == null ? "" : "; the run started at " + esc(clock(start)))
                .append(".</p>\n");
        List<Double> t = cols.get("seconds");
        double end = ReportJson.round(r.seconds(), 3);
        List<String> allZero = new ArrayList<>();
        for (Map.Entry<String, String> e : TITLES.entrySet()) {
            Stressor stressor = STRESSOR_OF.get(e.getKey());
            if (stressor != null && !ran(r, stressor)) {
                continue; // no chart of a stressor that did not run
            }
            List<Double> v = SvgChart.withinRun(t, cols.get(e.getKey()), end);
            if (COUNTERS.contains(e.getKey()) && v.stream().allMatch(d -> d == null || d == 0)) {
                allZero.add(e.getValue());
                continue; // a flat line at zero says less than one sentence
            }
            h.append("<h3>").append(esc(e.getValue())).append("</h3>\n");
            SvgChart.draw(h, e.getKey(), t, v, start);
        }
        if (!allZero.isEmpty()) {
            h.append("<p class=\"zero\" id=\"zero-counters\">Zero throughout the run: ")
                    .append(esc(String.join("; ", allZero))).append(".</p>\n");
        }
    }

    private static String clock(java.time.Instant t) {
        return HtmlTables.instant(t.toString());
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, StringBuilder h) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> sub) {
                flatten(key, (Map<String, Object>) sub, h);
            } else {
                h.append("<tr><td>").append(esc(key)).append("</td><td>").append(esc(String.valueOf(e.getValue())))
                        .append("</td></tr>\n");
            }
        }
    }

    private static String esc(String s) {
        return HtmlTables.esc(s);
    }
}
