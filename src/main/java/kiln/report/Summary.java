package kiln.report;

import java.io.PrintWriter;
import java.util.Locale;
import kiln.config.Durations;
import kiln.link.WorkerStats;

/** The table printed at the end of {@code kiln run}: per stressor, work done, rate, verification errors; then the verdict. */
public final class Summary {
    private final PrintWriter out;

    public Summary(PrintWriter out) {
        this.out = out;
    }

    public void print(Report r) {
        out.println();
        String took = r.findings().cutShort()
                ? Durations.format(r.elapsed()) + " of " + Durations.format(r.settings().run().duration()) + " (" + r.findings().outcome() + ")"
                : Durations.format(r.elapsed());
        out.printf(Locale.ROOT, "kiln run: %s, %d worker%s (%d restart%s, %d failed)%n", took, r.workers().size(),
                r.workers().size() == 1 ? "" : "s", r.measured().restarts(), r.measured().restarts() == 1 ? "" : "s", r.failedWorkers());
        out.println("  stressor  done                 rate               verify errors  notes");
        for (StressorRows.Row row : StressorRows.ALL) {
            if (row.on().test(r.settings())) {
                row.line().apply(r).ifPresent(l -> row(row.key().label(), l.done(), l.rate(), r.verifyErrors(row.key()), l.notes()));
            }
        }
        if (r.settings().files().enabled()) {
            print(kiln.util.Wrap.hanging("  file rate held by: ", String.join("; ", Tested.fileRateBounds(r)), kiln.util.Wrap.COLUMNS));
        }
        if (r.settings().run().untilReady()) {
            out.println("  warm: " + (r.measured().ready() ? "yes" : "no"));
        }
        Verdict v = r.judgement();
        String outcome = v.outcome().label().toUpperCase(Locale.ROOT);
        print(kiln.util.Wrap.hanging("  verdict: ", v.reasons().isEmpty() ? outcome : outcome + " (" + v.reasons().get(0) + ")",
                kiln.util.Wrap.COLUMNS));
        for (String reason : v.reasons().subList(Math.min(1, v.reasons().size()), Math.min(10, v.reasons().size()))) {
            print(kiln.util.Wrap.hanging("           also: ", reason, kiln.util.Wrap.COLUMNS));
        }
        if (!r.starvedWorkers().isEmpty()) {
            print(kiln.util.Wrap.hanging("  not held against the machine: ", String.join(", ", r.starvedWorkers())
                    + " (runnable but given no CPU: other load on the host, or steal)", kiln.util.Wrap.COLUMNS));
        }
        replays(r.findings().errors());
        if (r.faultInjected()) {
            print(kiln.util.Wrap.hanging("  !! ", Tested.injectedNote(r.settings().run().injectFault()), kiln.util.Wrap.COLUMNS));
        }
        String caveat = Tested.RestsOn.of(r.findings()).caveat(v.outcome().label());
        if (caveat != null) {
            print(kiln.util.Wrap.hanging("  note: ", caveat, kiln.util.Wrap.COLUMNS));
        }
    }

    /** Up to {@link #REPLAYS} distinct replay commands of the CPU errors: what to run again, or hand to the vendor. */
    private void replays(java.util.List<kiln.supervisor.VerifyErrorLog.Entry> errors) {
        java.util.Set<String> shown = new java.util.LinkedHashSet<>();
        for (kiln.supervisor.VerifyErrorLog.Entry e : errors) {
            if (e.cpu() != null && shown.size() < REPLAYS && shown.add(e.cpu().replay())) {
                out.println("  replay: " + e.cpu().replay() + "   (" + e.cpu().kind() + ": " + e.cpu().rate() + ")");
            }
        }
    }

    private static final int REPLAYS = 5;

    /** Each memory pattern that ran, with its complete passes and errors: {@code own-address 3 passes, copy 2 passes (1 error)}. */
    static String patterns(WorkerStats t) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (String name : t.memoryPatternNames()) {
            long passes = t.memoryPattern(name, kiln.link.MemoryCounter.PASSES);
            long errors = t.memoryPattern(name, kiln.link.MemoryCounter.ERRORS);
            parts.add(String.format(Locale.ROOT, "%s %,d pass%s%s", name, passes, passes == 1 ? "" : "es",
                    errors == 0 ? "" : String.format(Locale.ROOT, " (%,d error%s)", errors, errors == 1 ? "" : "s")));
        }
        return String.join(", ", parts);
    }

    /** Operations per CPU method in the methods' fixed order: {@code int 1,200, float 300, sha256 0, factorial 12}. */
    static String methods(java.util.Map<String, Long> ops) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (kiln.link.CpuMethodInfo method : kiln.link.Catalog.cpuMethods()) {
            String m = method.word();
            if (ops.containsKey(m)) {
                parts.add(String.format(Locale.ROOT, "%s %,d", m, ops.get(m)));
            }
        }
        return String.join(", ", parts);
    }

    /**
     * One stressor's row: its notes wrapped onto continuation lines under the notes column, so that
     * the table keeps to {@link kiln.util.Wrap#COLUMNS} (a 120-column terminal wrapped a ~165-character
     * row mid-note).
     */
    private void row(String stressor, String done, String rate, long verifyErrors, String notes) {
        print(kiln.util.Wrap.hanging(String.format(Locale.ROOT, "  %-9s %-20s %-18s %-14d ", stressor, done, rate, verifyErrors), notes,
                kiln.util.Wrap.COLUMNS));
    }

    private void print(java.util.List<String> lines) {
        lines.forEach(out::println);
    }

    /** " (N to make room at the free-space or inode floor)" when the storm deleted files to make room there: why files/s is what it is. */
    static String atFloor(long floorDeleted) {
        return floorDeleted == 0 ? "" : String.format(Locale.ROOT, " (%,d to make room at the free-space or inode floor)", floorDeleted);
    }

    static String latency(double seconds) {
        if (Double.isNaN(seconds)) {
            return "-";
        }
        if (Double.isInfinite(seconds)) {
            return ">2.5s";
        }
        return seconds < 1e-3 ? Math.round(seconds * 1e6) + "µs" : Math.round(seconds * 1e3) + "ms";
    }
}
