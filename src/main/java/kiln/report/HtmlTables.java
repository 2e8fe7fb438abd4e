package kiln.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import kiln.link.Stressor;
import kiln.link.WorkerStats;
import kiln.sampler.Evidence;
import kiln.supervisor.VerifyErrorLog;
import kiln.supervisor.WorkerView;
import kiln.util.Sizes;

/**
 * The tables of the HTML report, each read from the typed {@link Report}: what was tested, the
 * machine, the run, the verification errors and hardware evidence, the stressors, the memory
 * fault models and the per-core table. Stateless.
 */
final class HtmlTables {
    private HtmlTables() {
    }

    /** What was tested, in words, near the top: the time, the workers, and one row per stressor that ran. */
    static void tested(StringBuilder h, Report r) {
        Map<String, String> tested = Tested.of(r);
        if (tested.isEmpty()) {
            return;
        }
        h.append("<h2>What was tested</h2>\n<table class=\"tested\" id=\"tested\">\n");
        tested.forEach((what, words) -> tr(h, what, words));
        h.append("</table>\n");
    }

    /** Which machine, kernel, JVM and kiln: what a kept report must say about itself. */
    static void identity(StringBuilder h, Report r) {
        Map<String, Object> identity = r.findings().identity();
        h.append("<h2>Machine</h2>\n<table class=\"identity\">\n");
        for (String k : new String[] {"hostname", "cpu_model", "microcode", "cores", "threads", "memory_bytes", "kernel", "jvm"}) {
            Object v = identity.get(k);
            if (v != null) {
                boolean bytes = k.equals("memory_bytes");
                tr(h, bytes ? "memory" : k.replace('_', ' '), bytes ? Sizes.human(number(v)) : String.valueOf(v));
            }
        }
        tr(h, "kiln version", kiln.util.Version.current());
        if (identity.get("hardware") instanceof Map<?, ?> hw) {
            for (Map.Entry<?, ?> e : hw.entrySet()) {
                String label = String.valueOf(e.getKey()).replace('_', ' ');
                if (e.getValue() instanceof List<?> list) {
                    for (Object one : list) {
                        tr(h, label, one instanceof Map<?, ?> d ? d.entrySet().stream().map(x -> x.getKey() + " " + x.getValue())
                                .collect(Collectors.joining(", ")) : String.valueOf(one));
                    }
                } else {
                    tr(h, label, String.valueOf(e.getValue()));
                }
            }
        }
        h.append("</table>\n");
    }

    /** When the run was, how long, how it ended, and its workers: in words, to the second. */
    static void run(StringBuilder h, Report r) {
        h.append("<h2>Run</h2>\n<table class=\"run\">\n");
        for (String k : new String[] {"start", "end"}) {
            if (r.findings().identity().get(k) instanceof String text) {
                tr(h, k, instant(text));
            }
        }
        tr(h, "duration", kiln.config.Durations.format(java.time.Duration.ofMillis(Math.round(ReportJson.round(r.seconds(), 3) * 1000))));
        if (!r.findings().outcome().isEmpty()) {
            tr(h, "ended by", r.findings().outcome());
        }
        List<String> said = r.findings().warnings();
        if (!said.isEmpty()) {
            tr(h, said.size() == 1 ? "warning" : "warnings", String.join("; ", said));
        }
        String profile = r.settings().run().profile();
        if (profile != null && !profile.isEmpty()) {
            tr(h, "profile", profile);
        }
        List<String> notes = new ArrayList<>();
        count(notes, r.measured().restarts(), "restart");
        count(notes, r.failedWorkers(), "failed");
        count(notes, r.stalls(), "stall");
        count(notes, r.hungAtStart(), "hung at start");
        tr(h, "workers", r.workers().size() + (notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")"));
        if (r.settings().files().enabled()) {
            tr(h, "file I/O", r.measured().fileIo() == null ? "none" : r.measured().fileIo().word());
        }
        tr(h, "report schema", String.valueOf(Report.SCHEMA_VERSION));
        h.append("</table>\n");
    }

    /** "2 restarts", "1 restart", "1 failed": said only when it happened. */
    private static void count(List<String> notes, long n, String what) {
        if (n > 0) {
            notes.add(n + " " + what + (n > 1 && !what.equals("failed") && !what.startsWith("hung") ? "s" : ""));
        }
    }

    /** The verification errors in full (the first ones) and the hardware evidence, right under the verdict. */
    static void errors(StringBuilder h, Report r) {
        List<VerifyErrorLog.Entry> first = r.findings().errors();
        if (!first.isEmpty()) {
            h.append("<h2>Verification errors</h2>\n<table class=\"errors\"><tr><th>time</th><th>worker</th><th>cpu</th>"
                    + "<th>stressor</th><th>method</th><th>expected</th><th>actual</th><th>where</th><th>physical</th><th>node</th><th>lane</th><th>mask</th>"
                    + "<th>re-read</th><th>retest</th><th>replay</th></tr>\n");
            for (VerifyErrorLog.Entry e : first) {
                // the fields of the report's error record: a CPU miscompare's own first, then what else the stressor said
                kiln.link.CpuMiscompare c = e.cpu();
                Map<String, String> said = e.detail();
                h.append("<tr>");
                for (String cell : new String[] {java.time.Instant.ofEpochMilli(e.atMillis()).toString(), String.valueOf(e.worker()), e.cpus(),
                        e.stressor().label(), e.method(), e.expected(), e.actual(), e.where().isEmpty() ? said(said, "where") : e.where(),
                        said(said, "phys"), said(said, "node"), c != null ? String.valueOf(c.lane()) : said(said, "lane"),
                        c != null ? c.maskHex() : said(said, "mask"), said(said, "reread"), c == null ? "" : c.kind() + ": " + c.rate()}) {
                    h.append("<td>").append(esc(cell)).append("</td>");
                }
                h.append("<td><code>").append(esc(c != null ? c.replay() : said(said, "replay"))).append("</code></td></tr>\n");
            }
            h.append("</table>\n");
            long notShown = r.verifyErrors() - first.size();
            if (notShown > 0) {
                h.append("<p>").append(String.format(Locale.ROOT, "%,d more not shown", notShown)).append("</p>\n");
            }
        }
        evidence(h, r.findings());
    }

    /** What the stressor said under {@code key}, as the report's JSON gives it (whole numbers as numbers), or empty. */
    private static String said(Map<String, String> said, String key) {
        String v = said.getOrDefault(key, "");
        return v.matches("-?[0-9]{1,18}") ? String.valueOf(Long.parseLong(v)) : v;
    }

    /** Per evidence source, by its label: before, after and what grew; "not on this machine" where it has none. */
    private static void evidence(StringBuilder h, Report.Findings f) {
        h.append("<h2>Hardware evidence</h2>\n<table class=\"evidence\"><tr><th>source</th><th>before</th><th>after</th>"
                + "<th>during the run</th></tr>\n");
        Evidence delta = f.after().since(f.before());
        List<Evidence.Source> sources = new ArrayList<>(f.after().consulted().isEmpty()
                ? kiln.sampler.EvidenceSources.BUILT_IN.sources() : f.after().consulted());
        sources.sort(java.util.Comparator.comparing(Evidence.Source::label));
        for (Evidence.Source s : sources) {
            h.append("<tr><td title=\"").append(esc(s.label())).append("\">").append(esc(s.description())).append("</td>");
            if (f.before().available(s) && f.after().available(s)) {
                h.append("<td>").append(f.before().total(s).orElse(0L)).append("</td><td>").append(f.after().total(s).orElse(0L))
                        .append("</td><td>").append(delta.total(s).orElse(0L)).append("</td>");
            } else {
                h.append("<td colspan=\"3\">not on this machine</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** One row per stressor that ran: what it did, how fast, and its verification errors. */
    static void stressors(StringBuilder h, Report r) {
        h.append("<h2>Stressors</h2>\n<table><tr><th>stressor</th><th>done</th><th>rate</th><th>verification errors</th></tr>\n");
        for (StressorRows.Row row : StressorRows.ALL) {
            if (row.on().test(r.settings())) {
                row.line().apply(r).ifPresent(line -> row(h, row.key(), line.done(), line.rate(), r));
            }
        }
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, Stressor s, String done, String rate, Report r) {
        h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n", s.label(), done, rate,
                r.verifyErrors(s)));
    }

    /** Which memory fault models ran: passes, bytes moved and errors of each. */
    static void memoryPatterns(StringBuilder h, Report r) {
        WorkerStats t = r.totals();
        if (t.memoryPatternNames().isEmpty()) {
            return;
        }
        h.append("<h3>Memory fault models</h3>\n<table><tr><th>pattern</th><th>passes</th><th>moved</th><th>errors</th></tr>\n");
        for (String name : t.memoryPatternNames()) {
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,d</td><td>%s</td><td>%,d</td></tr>%n", esc(name),
                    t.memoryPattern(name, kiln.link.MemoryCounter.PASSES), Sizes.human(t.memoryPattern(name, kiln.link.MemoryCounter.BYTES)),
                    t.memoryPattern(name, kiln.link.MemoryCounter.ERRORS)));
        }
        h.append("</table>\n");
    }

    /** Per worker (per core when pinned): the work each method did, errors, restarts. */
    static void perWorker(StringBuilder h, Report r) {
        if (r.workers().isEmpty()) {
            return;
        }
        Map<?, ?> clocks = r.findings().identity().get("cpu_frequency_at_end_hz") instanceof Map<?, ?> m ? m : Map.of();
        h.append("<h2>Per core</h2>\n<table class=\"per-core\" id=\"per-core\"><tr><th>worker</th><th>cpus</th><th>state</th>"
                + "<th>cpu ops by method</th><th>files</th><th>memory</th><th>verification errors</th><th>I/O errors</th>"
                + "<th>restarts</th><th>stalls</th><th>clock at the end</th></tr>\n");
        for (WorkerView w : r.workers()) {
            String ops = ReportJson.opsInOrder(w.totals().cpu().ops()).entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
            h.append("<tr>");
            for (String cell : new String[] {"w" + w.id(), w.cpus(), w.state().name().toLowerCase(Locale.ROOT), ops,
                    String.format(Locale.ROOT, "%,d", w.totals().files().created()), Sizes.human(w.totals().memoryBytes()),
                    String.valueOf(WorkerStats.total(w.totals().verifyErrors())), String.valueOf(w.totals().ioErrors()),
                    String.valueOf(w.restarts()), String.valueOf(w.stalls()), clocks.get(w.cpus()) instanceof Number hz
                            ? String.format(Locale.ROOT, "%.2f GHz", hz.doubleValue() / 1e9) : "not reported"}) {
                h.append("<td>").append(esc(cell)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    static void tr(StringBuilder h, String label, String value) {
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

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
