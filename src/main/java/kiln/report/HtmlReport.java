package kiln.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kiln.supervisor.History;

/**
 * One self-contained HTML page for burn-in records without a Prometheus at hand: the verdict, the
 * summary per stressor, and charts over time (inline SVG, no scripts or outside resources). The
 * report and the series are also embedded as JSON ({@code <script type="application/json"
 * id="kiln-report">}) for machines.
 */
public final class HtmlReport {
    private static final int W = 860;
    private static final int H = 170;
    private static final int PAD_L = 64;
    private static final int PAD_R = 12;
    private static final int PAD_T = 8;
    private static final int PAD_B = 26;

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
    private static final Map<String, String> STRESSOR_OF = Map.of("files_per_second", "files", "file_errors", "files",
            "memory_stress_gib_per_second", "memory");

    private HtmlReport() {
    }

    private static boolean ran(Map<String, Object> report, String stressor) {
        return report.get(stressor) instanceof Map<?, ?> m && !Boolean.FALSE.equals(m.get("enabled"));
    }

    private static java.time.Instant startOf(Map<String, Object> report) {
        try {
            return report.get("start") instanceof String s ? java.time.Instant.parse(s) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    public static String render(Map<String, Object> report, History history) {
        Map<String, List<Double>> cols = history.columns();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>kiln report: ")
                .append(esc(String.valueOf(report.get("verdict")).toUpperCase(Locale.ROOT))).append("</title>\n<style>\n")
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
        h.append("<h1>kiln ").append(esc(String.valueOf(report.get("kiln_version")))).append(" burn-in report</h1>\n");
        String verdict = String.valueOf(report.get("verdict"));
        h.append("<div class=\"verdict ").append(esc(verdict)).append("\">")
                .append(esc(verdict.toUpperCase(java.util.Locale.ROOT))).append("</div>\n");
        if (report.get("verdict_reasons") instanceof List<?> reasons && !reasons.isEmpty()) {
            h.append("<ul class=\"reasons\">\n");
            for (Object r : reasons) {
                h.append("<li>").append(esc(String.valueOf(r))).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        if (report.get("injected_fault") instanceof Map<?, ?> injected) {
            // the note begins by saying what the banner's title says: "(--inject-fault cpu): one cpu result was …"
            h.append("<div class=\"injected\" id=\"injected-fault\">FAULT INJECTED ON PURPOSE ")
                    .append(esc(String.valueOf(injected.get("note")).replaceFirst("^a fault was INJECTED on purpose ", ""))).append("</div>\n");
        }
        if (report.get("verdict_rests_on") instanceof Map<?, ?> on && on.get("caveat") instanceof String caveat) {
            h.append("<p class=\"caveat\" id=\"verdict-rests-on\">").append(esc(caveat)).append("</p>\n");
        }
        tested(h, report);
        identity(h, report);
        run(h, report);
        errors(h, report);
        h.append("<h2>Stressors</h2>\n<table><tr><th>stressor</th><th>done</th><th>rate</th><th>verification errors</th></tr>\n");
        for (StressorRows.Row row : StressorRows.ALL) {
            row(h, report, row.key().label(), row.done(), row.rate(), row.unit());
        }
        h.append("</table>\n");
        memoryPatterns(h, report);
        Strength.html(h, report);
        perWorker(h, report);
        h.append("<h2>Over time</h2>\n");
        java.time.Instant start = startOf(report);
        h.append("<p class=\"note\">Times are UTC").append(start == null ? "" : "; the run started at " + esc(clock(start)))
                .append(".</p>\n");
        List<Double> t = cols.get("seconds");
        double end = report.get("duration_seconds") instanceof Number n ? n.doubleValue() : Double.POSITIVE_INFINITY;
        List<String> allZero = new ArrayList<>();
        for (Map.Entry<String, String> e : TITLES.entrySet()) {
            String stressor = STRESSOR_OF.get(e.getKey());
            if (stressor != null && !ran(report, stressor)) {
                continue; // no chart of a stressor that did not run
            }
            List<Double> v = withinRun(t, cols.get(e.getKey()), end);
            if (COUNTERS.contains(e.getKey()) && v.stream().allMatch(d -> d == null || d == 0)) {
                allZero.add(e.getValue());
                continue; // a flat line at zero says less than one sentence
            }
            h.append("<h3>").append(esc(e.getValue())).append("</h3>\n");
            chart(h, e.getKey(), t, v, start);
        }
        if (!allZero.isEmpty()) {
            h.append("<p class=\"zero\" id=\"zero-counters\">Zero throughout the run: ")
                    .append(esc(String.join("; ", allZero))).append(".</p>\n");
        }
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

    /** Cumulative counters: charted only when one counted something. */
    private static final java.util.Set<String> COUNTERS = java.util.Set.of("verify_errors", "file_errors");

    /**
     * The values read while the run was under load: a reading taken after its end (the stop phase,
     * when workers report their last totals and delete their files) is left out, so no spike from
     * the stop shows as the machine's behaviour.
     */
    static List<Double> withinRun(List<Double> t, List<Double> v, double endSeconds) {
        List<Double> out = new ArrayList<>(v == null ? List.of() : v);
        for (int i = 0; i < out.size(); i++) {
            if (t == null || i >= t.size() || t.get(i) == null || t.get(i) > endSeconds) {
                out.set(i, null);
            }
        }
        return out;
    }

    /** What was tested, in words, near the top: the time, the workers, and one row per stressor that ran. */
    private static void tested(StringBuilder h, Map<String, Object> report) {
        if (!(report.get("tested") instanceof Map<?, ?> tested) || tested.isEmpty()) {
            return;
        }
        h.append("<h2>What was tested</h2>\n<table class=\"tested\" id=\"tested\">\n");
        for (Map.Entry<?, ?> e : tested.entrySet()) {
            tr(h, String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        h.append("</table>\n");
    }

    /** Per worker (per core when pinned): the work each method did, errors, restarts. */
    private static void perWorker(StringBuilder h, Map<String, Object> report) {
        if (!(report.get("per_worker") instanceof List<?> workers) || workers.isEmpty()) {
            return;
        }
        h.append("<h2>Per core</h2>\n<table class=\"per-core\" id=\"per-core\"><tr><th>worker</th><th>cpus</th><th>state</th>"
                + "<th>cpu ops by method</th><th>files</th><th>memory</th><th>verification errors</th><th>I/O errors</th>"
                + "<th>restarts</th><th>stalls</th><th>clock at the end</th></tr>\n");
        for (Object o : workers) {
            Map<?, ?> w = (Map<?, ?>) o;
            String ops = w.get("cpu_ops_by_method") instanceof Map<?, ?> m ? m.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %,.0f", e.getKey(), number(e.getValue())))
                    .collect(java.util.stream.Collectors.joining(", ")) : "";
            h.append("<tr>");
            for (String cell : new String[] {"w" + w.get("worker"), String.valueOf(w.get("cpus")), String.valueOf(w.get("state")), ops,
                    String.format(Locale.ROOT, "%,.0f", number(w.get("files_created"))), kiln.util.Sizes.human(number(w.get("memory_bytes"))),
                    String.valueOf(w.get("verify_errors")), String.valueOf(w.get("io_errors")), String.valueOf(w.get("restarts")),
                    String.valueOf(w.get("stalls")), w.get("frequency_hz_at_end") instanceof Number hz
                            ? String.format(Locale.ROOT, "%.2f GHz", hz.doubleValue() / 1e9) : "not reported"}) {
                h.append("<td>").append(esc(cell)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** Which machine, kernel, JVM and kiln: what a kept report must say about itself. */
    private static void identity(StringBuilder h, Map<String, Object> report) {
        h.append("<h2>Machine</h2>\n<table class=\"identity\">\n");
        for (String k : new String[] {"hostname", "cpu_model", "microcode", "cores", "threads", "memory_bytes", "kernel", "jvm",
                "kiln_version"}) {
            Object v = report.get(k);
            if (v != null) {
                String shown = k.equals("memory_bytes") ? kiln.util.Sizes.human(number(v)) : String.valueOf(v);
                String label = k.equals("memory_bytes") ? "memory" : k.replace('_', ' ');
                tr(h, label, shown);
            }
        }
        if (report.get("hardware") instanceof Map<?, ?> hw) {
            for (Map.Entry<?, ?> e : hw.entrySet()) {
                if (e.getValue() instanceof List<?> list) {
                    for (Object one : list) {
                        tr(h, String.valueOf(e.getKey()).replace('_', ' '), one instanceof Map<?, ?> d ? d.entrySet().stream()
                                .map(x -> x.getKey() + " " + x.getValue()).collect(java.util.stream.Collectors.joining(", ")) : String.valueOf(one));
                    }
                } else {
                    tr(h, String.valueOf(e.getKey()).replace('_', ' '), String.valueOf(e.getValue()));
                }
            }
        }
        h.append("</table>\n");
    }

    /** When the run was, how long, how it ended, and its workers: in words, to the second. */
    private static void run(StringBuilder h, Map<String, Object> report) {
        h.append("<h2>Run</h2>\n<table class=\"run\">\n");
        for (String k : new String[] {"start", "end"}) {
            if (report.get(k) instanceof String text) {
                tr(h, k, instant(text));
            }
        }
        if (report.get("duration_seconds") != null) {
            tr(h, "duration", kiln.config.Durations.format(java.time.Duration.ofMillis(Math.round(number(report.get("duration_seconds")) * 1000))));
        }
        if (report.get("outcome") != null) {
            tr(h, "ended by", String.valueOf(report.get("outcome")));
        }
        if (report.get("warnings") instanceof List<?> said && !said.isEmpty()) {
            tr(h, said.size() == 1 ? "warning" : "warnings",
                    said.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("; ")));
        }
        if (report.get("profile") instanceof String p && !p.isEmpty()) {
            tr(h, "profile", p);
        }
        if (report.get("workers") instanceof Map<?, ?> w) {
            StringBuilder shown = new StringBuilder(String.valueOf(w.get("count")));
            List<String> notes = new ArrayList<>();
            for (String k : new String[] {"restarts", "failed", "stalls", "hung_at_start"}) {
                double n = number(w.get(k));
                if (n > 0) {
                    String what = n == 1 && k.endsWith("s") ? k.substring(0, k.length() - 1) : k; // "1 restart", "2 restarts"
                    notes.add(String.format(Locale.ROOT, "%.0f %s", n, what.replace('_', ' ')));
                }
            }
            if (!notes.isEmpty()) {
                shown.append(" (").append(String.join(", ", notes)).append(')');
            }
            tr(h, "workers", shown.toString());
        }
        if (report.get("files") instanceof Map<?, ?> f && Boolean.TRUE.equals(f.get("enabled")) && f.get("io") != null) {
            tr(h, "file I/O", String.valueOf(f.get("io")));
        }
        if (report.get("schema_version") != null) {
            tr(h, "report schema", String.valueOf(report.get("schema_version")));
        }
        h.append("</table>\n");
    }

    private static void tr(StringBuilder h, String label, String value) {
        h.append("<tr><th>").append(esc(label)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    /** An ISO-8601 instant as a person reads it: {@code 2026-11-23 04:34:28 UTC}; anything else as it is. */
    static String instant(String iso) {
        try {
            java.time.Instant t = java.time.Instant.parse(iso);
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC).format(t);
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    private static String clock(java.time.Instant t) {
        return instant(t.toString());
    }

    /** The verification errors in full (the first ones) and the hardware evidence, right under the verdict. */
    private static void errors(StringBuilder h, Map<String, Object> report) {
        if (report.get("errors") instanceof Map<?, ?> errors && errors.get("first") instanceof List<?> first && !first.isEmpty()) {
            h.append("<h2>Verification errors</h2>\n<table class=\"errors\"><tr><th>time</th><th>worker</th><th>cpu</th>"
                    + "<th>stressor</th><th>method</th><th>expected</th><th>actual</th><th>where</th><th>physical</th><th>node</th><th>lane</th><th>mask</th>"
                    + "<th>re-read</th><th>retest</th><th>replay</th></tr>\n");
            for (Object o : first) {
                Map<?, ?> e = (Map<?, ?>) o;
                h.append("<tr>");
                for (String k : new String[] {"time", "worker", "cpu", "stressor", "method", "expected", "actual", "where", "phys", "node", "lane",
                                              "mask", "reread"}) {
                    h.append("<td>").append(esc(String.valueOf(e.get(k) == null ? "" : e.get(k)))).append("</td>");
                }
                String retest = e.get("retest") instanceof Map<?, ?> rt ? rt.get("kind") + ": " + rt.get("rate") : "";
                h.append("<td>").append(esc(retest)).append("</td><td><code>")
                        .append(esc(String.valueOf(e.get("replay") == null ? "" : e.get("replay")))).append("</code></td>");
                h.append("</tr>\n");
            }
            h.append("</table>\n");
            if (number(errors.get("not_shown")) > 0) {
                h.append("<p>").append(String.format(Locale.ROOT, "%,.0f more not shown", number(errors.get("not_shown")))).append("</p>\n");
            }
        }
        if (report.get("evidence") instanceof Map<?, ?> evidence) {
            h.append("<h2>Hardware evidence</h2>\n<table class=\"evidence\"><tr><th>source</th><th>before</th><th>after</th>"
                    + "<th>during the run</th></tr>\n");
            for (Map.Entry<?, ?> e : evidence.entrySet()) {
                h.append("<tr><td title=\"").append(esc(String.valueOf(e.getKey()))).append("\">")
                        .append(esc(evidenceName(String.valueOf(e.getKey())))).append("</td>");
                if (e.getValue() instanceof Map<?, ?> m) {
                    h.append("<td>").append(m.get("before")).append("</td><td>").append(m.get("after")).append("</td><td>")
                            .append(m.get("delta")).append("</td>");
                } else {
                    h.append("<td colspan=\"3\">not on this machine</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
    }

    /** A hardware evidence source's label in the report as words, with where it is read. */
    static String evidenceName(String label) {
        for (kiln.sampler.Evidence.Source s : kiln.sampler.Evidence.Source.values()) {
            if (s.label().equals(label)) {
                return s.description();
            }
        }
        return label;
    }

    /** Which memory fault models ran: passes, bytes moved and errors of each. */
    private static void memoryPatterns(StringBuilder h, Map<String, Object> report) {
        if (!(report.get("memory") instanceof Map<?, ?> m) || !(m.get("patterns") instanceof Map<?, ?> patterns) || patterns.isEmpty()) {
            return;
        }
        h.append("<h3>Memory fault models</h3>\n<table><tr><th>pattern</th><th>passes</th><th>moved</th><th>errors</th></tr>\n");
        for (Map.Entry<?, ?> e : patterns.entrySet()) {
            Map<?, ?> one = (Map<?, ?>) e.getValue();
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,.0f</td><td>%s</td><td>%,.0f</td></tr>%n", esc(String.valueOf(e.getKey())),
                    number(one.get("passes")), kiln.util.Sizes.human(number(one.get("bytes"))), number(one.get("errors"))));
        }
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, Map<String, Object> report, String name, String done, String rate, String unit) {
        Object section = report.get(name);
        if (!(section instanceof Map<?, ?> m) || Boolean.FALSE.equals(m.get("enabled"))) {
            return;
        }
        String doneText = unit.startsWith("bytes") ? kiln.util.Sizes.human(number(m.get(done)))
                : String.format(Locale.ROOT, "%,.0f", number(m.get(done)));
        String rateText = unit.startsWith("bytes") ? kiln.util.Sizes.human(number(m.get(rate))) + "/s"
                : String.format(Locale.ROOT, "%,.1f %s", number(m.get(rate)), unit);
        h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n", name,
                doneText, rateText, m.get("verify_errors")));
    }

    /** Steps between ticks: 1, 2 or 5 times a power of ten, the fewest that give at most {@code max} intervals. */
    static double niceStep(double span, int max) {
        if (!(span > 0) || Double.isInfinite(span)) {
            return 1;
        }
        double raw = span / max;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** Seconds between time ticks: a whole clock step (1 s … 1 h) giving at most {@code max} intervals. */
    static long timeStep(double spanSeconds, int max) {
        for (long step : new long[] {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400}) {
            if (spanSeconds / step <= max) {
                return step;
            }
        }
        return 86400L * (long) Math.ceil(spanSeconds / 86400 / max);
    }

    private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(java.time.ZoneOffset.UTC);

    /**
     * One line chart: a y axis with round ticks and gridlines, an x axis of wall-clock times (UTC,
     * from the run's start) with gridlines on whole clock steps, and the series as a line.
     */
    private static void chart(StringBuilder h, String id, List<Double> t, List<Double> v, java.time.Instant start) {
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i) != null && t.get(i) != null) {
                pts.add(new double[] {t.get(i), v.get(i)});
            }
        }
        h.append("<svg id=\"chart-").append(id).append("\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\">");
        if (pts.isEmpty()) {
            h.append("<text class=\"none\" x=\"").append(W / 2 - 110).append("\" y=\"").append(H / 2)
                    .append("\">not reported on this machine</text></svg>\n");
            return;
        }
        double t0 = pts.get(0)[0];
        double t1 = Math.max(t0 + 1, pts.get(pts.size() - 1)[0]);
        double min = pts.stream().mapToDouble(p -> p[1]).min().orElse(0);
        double max = pts.stream().mapToDouble(p -> p[1]).max().orElse(1);
        double yStep = niceStep(Math.max(max, 0) - Math.min(0, min), 4);
        double lo = Math.min(0, Math.floor(min / yStep) * yStep);
        double hi = Math.max(lo + yStep, Math.ceil(max / yStep) * yStep);
        int plotW = W - PAD_L - PAD_R;
        int plotH = H - PAD_B - PAD_T;
        java.util.function.DoubleUnaryOperator x = s -> PAD_L + (s - t0) / (t1 - t0) * plotW;
        java.util.function.DoubleUnaryOperator y = val -> PAD_T + plotH - (val - lo) / (hi - lo) * plotH;
        h.append("<g class=\"grid\">");
        for (int i = 0; lo + i * yStep <= hi + yStep / 1e6; i++) {
            double val = lo + i * yStep;
            double yy = y.applyAsDouble(val);
            h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", PAD_L, yy, W - PAD_R, yy));
            h.append(String.format(Locale.ROOT, "<text class=\"axis ytick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    PAD_L - 6, yy + 4, compact(val)));
        }
        long epoch0 = start == null ? 0 : start.getEpochSecond();
        long tStep = timeStep(t1 - t0, 8);
        // ticks on whole clock steps (10:42:30, 10:43:00…) when the start is known, else on elapsed seconds
        long first = (long) Math.ceil((epoch0 + t0) / tStep) * tStep - epoch0;
        for (long s = first; s <= t1 + 1e-9; s += tStep) {
            double xx = x.applyAsDouble(s);
            String label = start == null ? s + " s" : CLOCK.format(java.time.Instant.ofEpochSecond(epoch0 + s));
            h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", xx, PAD_T, xx, PAD_T + plotH));
            h.append(String.format(Locale.ROOT, "<text class=\"axis xtick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    xx, H - 8, label));
        }
        h.append("</g>");
        h.append(String.format(Locale.ROOT, "<line class=\"frame\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PAD_L, PAD_T, PAD_L, PAD_T + plotH));
        h.append(String.format(Locale.ROOT, "<line class=\"frame\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PAD_L, PAD_T + plotH,
                W - PAD_R, PAD_T + plotH));
        StringBuilder line = new StringBuilder();
        for (double[] p : pts) {
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(p[0]), y.applyAsDouble(p[1])));
        }
        h.append("<polyline class=\"line\" points=\"").append(line.toString().strip()).append("\"/></svg>\n");
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

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String compact(double v) {
        double a = Math.abs(v);
        return a >= 1e6 ? String.format(Locale.ROOT, "%.1fM", v / 1e6) : a >= 1e3 ? String.format(Locale.ROOT, "%.1fk", v / 1e3)
                : a >= 10 || v == 0 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
