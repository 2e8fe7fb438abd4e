package kiln.report;

import java.time.Duration;
import java.util.List;
import kiln.config.Settings;
import kiln.link.WorkerStats;
import kiln.supervisor.WorkerView;

/** Sets the parts of a {@link Report} by name ({@link Report#builder}). Not thread-safe. */
public final class ReportBuilder {
    private final Settings settings;
    private List<WorkerView> workers = List.of();
    private WorkerStats totals = WorkerStats.zero();
    private Duration elapsed = Duration.ZERO;
    private Report.Measured measured = Report.Measured.NONE;
    private Report.Findings findings = Report.Findings.none();

    ReportBuilder(Settings settings) {
        this.settings = settings;
    }

    public ReportBuilder workers(List<WorkerView> w) {
        workers = w;
        return this;
    }

    public ReportBuilder totals(WorkerStats t) {
        totals = t;
        return this;
    }

    public ReportBuilder elapsed(Duration d) {
        elapsed = d;
        return this;
    }

    public ReportBuilder measured(Report.Measured m) {
        measured = m;
        return this;
    }

    public ReportBuilder cpuLoad(double load) {
        measured = new Report.Measured(load, measured.restarts(), measured.memoryBytes(), measured.ready(), measured.fileIo());
        return this;
    }

    public ReportBuilder restarts(long n) {
        measured = new Report.Measured(measured.cpuLoad(), n, measured.memoryBytes(), measured.ready(), measured.fileIo());
        return this;
    }

    public ReportBuilder memoryBytes(long bytes) {
        measured = new Report.Measured(measured.cpuLoad(), measured.restarts(), bytes, measured.ready(), measured.fileIo());
        return this;
    }

    public ReportBuilder ready(boolean ready) {
        measured = new Report.Measured(measured.cpuLoad(), measured.restarts(), measured.memoryBytes(), ready, measured.fileIo());
        return this;
    }

    public ReportBuilder fileIo(kiln.link.IoPath io) {
        measured = new Report.Measured(measured.cpuLoad(), measured.restarts(), measured.memoryBytes(), measured.ready(), io);
        return this;
    }

    public ReportBuilder findings(Report.Findings f) {
        findings = f;
        return this;
    }

    public Report build() {
        return new Report(settings, workers, totals, elapsed, measured, findings);
    }
}
