package kiln.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import kiln.config.Settings;
import kiln.link.Stressor;
import kiln.link.WorkerStats;
import kiln.util.Sizes;

/**
 * What the summary, the HTML report and the verdict say of each stressor, one line each, in the
 * order they are shown: whether the run's settings turned it on, whether it did any work, its
 * summary row, and where its HTML row finds its figures in the report's JSON. Its verification
 * errors come from the stats, by its word. A new stressor adds its line here.
 */
final class StressorRows {

    /** A summary row's figures; {@link Summary} adds the verification errors. */
    record Line(String done, String rate, String notes) {
    }

    /**
     * @param key    the stressor
     * @param on     whether the run's settings turned it on
     * @param worked whether it did any work (an enabled stressor that did none makes the run inconclusive)
     * @param idle   why it counts as idle, said after its word
     * @param line   its summary row; empty when there is none to show
     * @param done   the field of its JSON section that the HTML row shows as done
     * @param rate   the field with its rate
     * @param unit   the rate's unit; {@code bytes/s} shows sizes
     */
    record Row(Stressor key, Predicate<Settings> on, Predicate<Report> worked, String idle, Function<Report, Optional<Line>> line,
               String done, String rate, String unit) {
    }

    static final List<Row> ALL = List.of(
            new Row(Stressor.FILES, s -> s.files().enabled(), r -> r.totals().files().created() > 0,
                    "no file created (paused below the free-space floor, or every create failed)", StressorRows::files,
                    "created", "per_second", "files/s"),
            new Row(Stressor.CPU, s -> s.cpu().enabled(), r -> r.cpuOps() > 0, "no operation computed", StressorRows::cpu,
                    "ops", "ops_per_second", "ops/s"),
            new Row(Stressor.MEMORY, s -> s.memory().enabled(), r -> r.totals().memoryBytes() > 0, "nothing written and read back",
                    StressorRows::memory, "bytes", "bytes_per_second", "bytes/s"));

    private StressorRows() {
    }

    private static Optional<Line> files(Report r) {
        WorkerStats t = r.totals();
        return Optional.of(new Line(String.format(Locale.ROOT, "%,d files", t.files().created()),
                String.format(Locale.ROOT, "%,.0f files/s", r.filesPerSecond()),
                String.format(Locale.ROOT, "%s written, %,d deleted%s, %,d read back, %,d I/O errors, create p50≤%s p99≤%s",
                        Sizes.human(t.files().bytes()), t.files().deleted(), Summary.atFloor(t.files().floorDeleted()),
                        t.files().verified(), t.ioErrors(), Summary.latency(r.latencyQuantile(0.5)),
                        Summary.latency(r.latencyQuantile(0.99)))));
    }

    private static Optional<Line> cpu(Report r) {
        return Optional.of(new Line(String.format(Locale.ROOT, "%,d ops", r.cpuOps()),
                String.format(Locale.ROOT, "%,.0f ops/s", r.cpuOps() / r.seconds()),
                String.format(Locale.ROOT, "target %d%%, host busy %.1f%%, %s", r.settings().cpu().load(),
                        r.measured().cpuLoad() * 100, Summary.methods(r.totals().cpu().ops()))));
    }

    /** Shown when the run held a buffer: memory turned on by a share that came to nothing has no row, but is idle. */
    private static Optional<Line> memory(Report r) {
        WorkerStats t = r.totals();
        if (r.measured().memoryBytes() <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Line(Sizes.human(t.memoryBytes()), Sizes.human(t.memoryBytes() / r.seconds()) + "/s",
                Sizes.human(r.measured().memoryBytes()) + " held, written and read back"
                        + (t.memoryPatternNames().isEmpty() ? "" : "; fault models: " + Summary.patterns(t))));
    }
}
