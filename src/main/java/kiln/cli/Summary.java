package kiln.cli;

import java.io.PrintWriter;
import java.util.Locale;
import kiln.config.Durations;
import kiln.config.Sizes;
import kiln.link.WorkerStats;

/** The table printed at the end of {@code kiln run}. */
final class Summary {
    private final PrintWriter out;

    Summary(PrintWriter out) {
        this.out = out;
    }

    void print(Report r) {
        WorkerStats t = r.totals();
        out.println();
        out.printf(Locale.ROOT, "kiln run: %s, %d workers (%d restarts, %d failed)%n", Durations.format(r.elapsed()),
                r.workers().size(), r.restarts(), r.failedWorkers());
        out.println("  stressor   operations         rate          verify errors  notes");
        if (r.settings().files().enabled()) {
            out.printf(Locale.ROOT, "  files      %,-18d %,-13.0f %-14d %s written, %,d deleted, %,d I/O errors, create p50≤%s p99≤%s%n",
                    t.filesCreated(), r.filesPerSecond(), t.verifyErrors().getOrDefault("files", 0L),
                    Sizes.human(t.fileBytes()), t.filesDeleted(), WorkerStats.total(t.errors()),
                    micros(r.latencyQuantile(0.5)), micros(r.latencyQuantile(0.99)));
        }
        if (r.settings().cpu().enabled()) {
            long ops = WorkerStats.total(t.cpuOps());
            out.printf(Locale.ROOT, "  cpu        %,-18d %,-13.0f %-14d target %d%%, measured %.1f%% (all cpus), %s%n",
                    ops, ops / r.seconds(), t.verifyErrors().getOrDefault("cpu", 0L), r.settings().cpu().load(),
                    r.measuredCpuLoad() * 100, t.cpuOps());
        }
        out.printf("  verdict: %s%n", r.verdict().toUpperCase(Locale.ROOT)
                + (r.verifyErrors() > 0 ? " (" + r.verifyErrors() + " verification errors: suspect hardware)" : ""));
    }

    private static String micros(double seconds) {
        if (Double.isNaN(seconds)) {
            return "-";
        }
        if (Double.isInfinite(seconds)) {
            return ">2.5s";
        }
        return seconds < 1e-3 ? Math.round(seconds * 1e6) + "µs" : Math.round(seconds * 1e3) + "ms";
    }
}
