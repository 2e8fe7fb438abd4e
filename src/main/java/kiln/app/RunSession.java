package kiln.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kiln.config.Settings;
import kiln.http.Routes;
import kiln.report.Console;
import kiln.report.Report;
import kiln.report.ReportFile;
import kiln.report.Verdict;
import kiln.report.StatusDocument;
import kiln.report.Summary;
import kiln.util.Sizes;
import kiln.http.HttpApi;
import kiln.metrics.KilnMetrics;
import kiln.sampler.HardwareSampler;
import kiln.sampler.MemoryLimits;
import kiln.supervisor.Stress;
import kiln.supervisor.Work;
import kiln.util.Ticker;
import kiln.util.Version;
import kiln.workspace.Workspace;
import kiln.workspace.WorkspaceException;

/**
 * One {@code kiln run}: prepares the directory, starts sampler, workers and HTTP, shows progress
 * until the duration is over, the machine is warm ({@code --until-ready}) or a signal arrives,
 * then stops everything, removes what it created, reports and returns the exit code. The
 * composition root: every service is made and closed here.
 */
public final class RunSession {
    /** Where and how progress is shown. */
    public enum Output {
        /** a status line redrawn in place, then the summary */
        TERMINAL,
        /** a status line every few seconds, then the summary (pipes, logs, CI) */
        LOG,
        /** nothing but errors */
        QUIET,
        /** the JSON report on stdout at the end, nothing else */
        JSON
    }

    /** The settings asked for, cut to what the machine allows (CPU quota, files held in memory) before the stress starts. */
    private Settings settings;
    /** What readiness still waited for when the run ended, said when an until-ready run ends not warm. */
    private String notWarmBecause = "";
    private final PrintWriter out;
    private final PrintWriter chatter;
    private final Output output;
    private volatile kiln.link.IoPath stressIo;
    /** The run under way, for {@link #requestStop} and {@link #forceStop}; null before and after. */
    private volatile Run active;
    /** A stop asked for before the run existed (a signal during start-up). */
    private volatile boolean stopAsked;
    private volatile Path workspaceDir;
    /** What the run said at start will not go as asked: printed, and kept for its report. */
    private final Warnings warnings = new Warnings(System.err);

    public RunSession(Settings settings, PrintWriter out, Output output) {
        this.settings = Budget.fitCpuQuota(settings, kiln.sampler.CpuQuota.cores(), warnings.stream());
        this.out = out;
        this.output = output;
        // progress lines go nowhere in the quiet and JSON modes
        this.chatter = output == Output.QUIET || output == Output.JSON
                ? new PrintWriter(java.io.Writer.nullWriter()) : out;
    }

    /** A signal asks for a clean stop: workers remove their files, the summary is printed. Returns at once. */
    public void requestStop() {
        stopAsked = true;
        Run r = active;
        if (r != null) {
            r.requestStop();
        }
    }

    /** A second signal: the workers are killed now (the caller halts the JVM next). */
    public void forceStop() {
        Run r = active;
        if (r != null) {
            r.stress().pool().kill();
        }
    }

    /** Thrown when the stress cannot run at all: exit 3 with the message. */
    static final class CannotRun extends Exception {
        CannotRun(String message) {
            super(message);
        }
    }

    public int run() {
        try {
            return stress();
        } catch (CannotRun e) {
            System.err.println("kiln: " + e.getMessage());
            return ExitCode.CANNOT_RUN;
        }
    }

    private int stress() throws CannotRun {
        checkBeforeStart(settings, warnings.stream());
        settings = WarmUpFiles.fit(settings, warnings.stream());
        MemoryLimits limits = MemoryLimits.read();
        String fsType = Budget.fileSystemType(settings.files().dir());
        try {
            settings = Budget.fitFilePages(settings, limits, fsType, MemoryLimits.pageSize(), warnings.stream());
        } catch (Budget.NothingFits e) {
            throw new CannotRun(e.getMessage());
        }
        Settings.Files f = settings.files();
        long memoryPerWorker = Budget.memoryPerWorker(settings, limits,
                Budget.filePagesBytes(settings, fsType, MemoryLimits.pageSize()), warnings.stream());
        try (Workspace workspace = openWorkspace(f, warnings.stream());
             Stress stress = new Stress(settings, workspace, memoryPerWorker, Stress.jvmLauncher(settings, workspace, memoryPerWorker),
                     Ticker.SYSTEM)) {
            Run run = new Run(stress, Ticker.SYSTEM, warnings.lines());
            active = run;
            if (stopAsked) {
                run.requestStop(); // a signal that came while the directory was being prepared
            }
            // the worker JVMs boot while OSHI, the meters and HTTP load here: start-up is the longer of the two
            run.launch();
            try (HardwareSampler sampler = new HardwareSampler(f.dir(), settings.sampler().interval())) {
                sampler.addListener(stress.monitor()::onSample);
                Work work = new Work();
                work.begin(stress);
                sampler.start();
                try (HttpApi http = startHttp(new KilnMetrics(work, sampler, Version.current()), stress, work)) {
                    return stress(run, workspace, sampler, http, memoryPerWorker);
                }
            }
        } finally {
            active = null;
        }
    }

    private int stress(Run run, Workspace workspace, HardwareSampler sampler, HttpApi http, long memoryPerWorker)
            throws CannotRun {
        Stress stress = run.stress();
        Console console = new Console(chatter, output == Output.TERMINAL, settings.run().duration(), stress.pool(), sampler,
                stress.monitor(), Ticker.SYSTEM);
        try (Console.Restore log = console.sharingTheTerminal()) {
            if (memoryPerWorker >= 1L << 30) {
                chatter.printf("workers are getting %s each for the memory stressor before they start: this takes a while%n",
                        Sizes.human(memoryPerWorker));
                chatter.flush();
            }
            if (!run.awaitStarted(sampler) && !run.stopRequested()) {
                throw new CannotRun("no worker started within " + kiln.config.Durations.format(Run.startTimeout(memoryPerWorker))
                        + "; see the worker log above");
            }
            stressIo = stress.pool().fileIo();
            workspaceDir = workspace.dir();
            // two lines, each kept to 120 columns: the start line with a data directory's path ran past a terminal's edge
            chatter.printf("kiln %s: %d worker%s, metrics at http://%s:%d/metrics%n", Version.current(), stress.pool().size(),
                    stress.pool().size() == 1 ? "" : "s", settings.http().host(), http.port());
            chatter.println(kiln.util.Wrap.hangingText("  ", describe(memoryPerWorker), kiln.util.Wrap.COLUMNS));
            chatter.flush();
            Run.End end = run.awaitEnd(console::update);
            console.finishLine();
            switch (end) {
                case STOPPED -> chatter.println("signal received: stopping early");
                case READY -> chatter.println("the machine is warm after " + kiln.config.Durations.format(run.elapsed()) + ": "
                        + stress.monitor().judged());
                case ALL_FAILED -> chatter.println("every worker has failed: stopping");
                default -> {
                    // the duration is over: the summary says so
                }
            }
            chatter.println("stopping: workers are removing their files…");
            chatter.flush();
            Run.Result result = run.stop(end, workspace);
            notWarmBecause = stress.monitor().waitingFor();
            return finish(result.report(), end, stress.monitor().history());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.CANNOT_RUN;
        }
    }

    /**
     * What a run checks of its settings before anything starts, for kiln run and the daemon alike:
     * the report can be written (now, not after hours of burn-in); a ramp longer than the run is
     * warned of.
     */
    static void checkBeforeStart(Settings s, java.io.PrintStream warnings) throws CannotRun {
        Run.rampWarning(s).ifPresent(w -> warnings.println("kiln: " + w));
        inodeFloorNotice(s.files(), warnings);
        if (s.run().report() != null) {
            try {
                ReportFile.check(s.run().report());
            } catch (ReportFile.Unwritable e) {
                throw new CannotRun(e.getMessage());
            }
        }
    }

    /** The run's directory, or none when the file stressor is off; what about its path others could change is warned of. */
    static Workspace openWorkspace(Settings.Files f, java.io.PrintStream warnings) throws CannotRun {
        if (!f.enabled()) {
            return Workspace.none(f.dir().toAbsolutePath());
        }
        Workspace w;
        try {
            w = Workspace.open(f.dir());
        } catch (WorkspaceException e) {
            throw new CannotRun(e.getMessage()); // a directory kiln cannot use is the first thing to say (read-only, say)
        }
        try {
            floorWithinReach(f);
        } catch (CannotRun e) {
            w.close(); // and what it made for the run goes again
            throw e;
        }
        for (String doubt : w.doubts()) {
            warnings.println("kiln: the run's directory " + w.dir() + ": " + doubt);
        }
        return w;
    }

    /**
     * A free-space floor at or above everything the file system holds can never be met: every
     * worker would pause from the first second and the run end inconclusive. Said before any
     * worker is started, and what was made for the run is removed again.
     */
    static void floorWithinReach(Settings.Files f) throws CannotRun {
        Path where = kiln.util.Dirs.existingAncestor(f.dir());
        long total;
        try {
            total = Files.getFileStore(where).getTotalSpace();
        } catch (IOException e) {
            return; // opening the directory says what is wrong with it
        }
        if (total > 0 && f.minFreeBytes() >= total) {
            throw new CannotRun("the free-space floor (min-free " + Sizes.human(f.minFreeBytes()) + ") is more than the file system of "
                    + f.dir().toAbsolutePath() + " holds (" + Sizes.human(total) + "): no file could be created; lower it");
        }
        kiln.workspace.Inodes.Count inodes;
        try {
            inodes = kiln.workspace.Inodes.read(where);
        } catch (IOException e) {
            return; // the workers say it if they cannot read them either
        }
        long inodeFloor = f.minFreeInodes().on(inodes.total());
        if (inodes.counted() && inodeFloor > 0 && inodeFloor >= inodes.total()) {
            throw new CannotRun("the free-inode floor (min-free-inodes " + f.minFreeInodes() + ") is at or above the " + inodes.total()
                    + " inodes the file system of " + f.dir().toAbsolutePath() + " has: no file could be created; lower it");
        }
    }

    /**
     * Said once at start, into the run's warnings: a file system that counts no inodes (btrfs,
     * tmpfs with {@code nr_inodes=0}) has no inode floor to hold.
     */
    static void inodeFloorNotice(Settings.Files f, java.io.PrintStream warnings) {
        if (!f.enabled() || (f.minFreeInodes().count() == 0 && f.minFreeInodes().percent() == 0)) {
            return;
        }
        try {
            if (!kiln.workspace.Inodes.read(f.dir()).counted()) {
                warnings.println("kiln: the file system of " + f.dir() + " counts no inodes (btrfs, or tmpfs with nr_inodes=0):"
                        + " no free-inode floor there (min-free-inodes " + f.minFreeInodes() + " applies where inodes are counted)");
            }
        } catch (IOException e) {
            warnings.println("kiln: cannot read the inodes of the file system of " + f.dir() + " (" + e.getMessage()
                    + "): the free-inode floor is held only where the workers can read them");
        }
    }

    /**
     * Prints the summary, writes the report, and returns the exit code: the verdict's
     * ({@link ExitCode#of}), which the summary, the report and the metrics all show, except where
     * the stress could not run at all (every worker crash-looped; not warm in time with
     * {@code --until-ready}) or the report asked for was lost: exit 3, unless the verdict is fail.
     */
    private int finish(Report report, Run.End end, kiln.supervisor.History history) {
        if (output == Output.JSON) {
            out.println(report.toJson());
        } else {
            new Summary(chatter).print(report);
        }
        boolean reportLost = false;
        if (settings.run().report() != null) {
            try {
                report.writeTo(settings.run().report(), history);
                chatter.println("report: " + settings.run().report());
            } catch (ReportFile.Unwritable e) {
                // it could be written at start: something changed since; the summary above is all there is
                System.err.println("kiln: " + e.getMessage());
                reportLost = true;
            }
        }
        out.flush();
        Verdict v = report.judgement();
        Report.Cleanup left = report.findings().cleanup();
        if (left.files() > 0) {
            System.err.println("kiln: " + left.files() + " files kiln created are still in " + workspaceDir + " ("
                    + String.join(", ", left.shards().subList(0, Math.min(5, left.shards().size())))
                    + (left.shards().size() > 5 ? ", …" : "") + "): they could not be removed; see the log. The next kiln on"
                    + " this directory sweeps them");
        }
        if (v.outcome() == Verdict.Outcome.FAIL) {
            System.err.println("kiln: fail: " + String.join("; ", v.reasons()));
            return ExitCode.VERIFY_FAILED;
        }
        if (reportLost) {
            System.err.println("kiln: the verdict was " + v.outcome().label() + ", but the report asked for is missing");
            return ExitCode.CANNOT_RUN;
        }
        if (end == Run.End.ALL_FAILED) {
            System.err.println("kiln: every worker crash-looped: the stress could not run (see the worker log above)");
            return ExitCode.CANNOT_RUN;
        }
        if (v.outcome() == Verdict.Outcome.INCONCLUSIVE) {
            if (report.tampered() > 0) {
                System.err.println("kiln: " + report.tampered() + " times a link or foreign entry stood where kiln's own should be in "
                        + workspaceDir + ": refused and not followed, but the run is not clean (see REFUSED above)");
            }
            System.err.println("kiln: inconclusive: " + String.join("; ", v.reasons()));
        } else if (v.outcome() == Verdict.Outcome.DEGRADED) {
            System.err.println("kiln: degraded: " + String.join("; ", v.reasons())
                    + (report.unhealthyWorkers().isEmpty() ? "" : "; the others ran the whole run (see the worker log above)"));
        } else if (settings.run().untilReady() && end == Run.End.DURATION) {
            System.err.println("kiln: the machine was not warm after " + kiln.config.Durations.format(settings.run().duration())
                    + " (--duration is the longest --until-ready waits)" + (notWarmBecause.isEmpty() ? "" : ": " + notWarmBecause));
            return ExitCode.CANNOT_RUN;
        }
        return ExitCode.of(v.outcome());
    }

    private String describe(long memoryPerWorker) {
        List<String> parts = new ArrayList<>();
        if (settings.files().enabled()) {
            kiln.link.IoPath io = stressIo;
            parts.add("files in " + workspaceDir + (io == null ? "" : " via " + io.word() + " I/O"));
        }
        if (settings.cpu().enabled()) {
            parts.add("cpu " + settings.cpu().method() + " at " + settings.cpu().load() + "%"
                    + (settings.run().ramp().isZero() ? "" : " after a " + kiln.config.Durations.format(settings.run().ramp()) + " ramp"));
        }
        if (memoryPerWorker > 0) {
            parts.add("memory " + Sizes.human(memoryPerWorker) + " per worker");
        }
        return parts.isEmpty() ? "no stressor enabled" : String.join(", ", parts);
    }

    private HttpApi startHttp(KilnMetrics metrics, Stress stress, Work work) throws CannotRun {
        try {
            HttpApi http = bind(settings.http());
            Routes.observe(http, metrics, () -> StatusDocument.of(RunState.RUNNING.label(), stress), work);
            http.start();
            return http;
        } catch (IOException | RuntimeException e) {
            throw new CannotRun("cannot listen on " + settings.http().host() + ":" + settings.http().port() + " ("
                    + e.getMessage() + "); choose another port with --metrics-port (0 = any free port)");
        }
    }

    /**
     * Binds the metrics port. The default port taken (a kiln daemon on this host, say) is not a
     * reason to refuse a one-shot run: it warns and takes a free port. A port the user chose is theirs
     * to fix: an error naming it.
     */
    private HttpApi bind(Settings.Http h) throws IOException {
        try {
            return new HttpApi(h.host(), h.port());
        } catch (IOException e) {
            if (h.portGiven() || h.port() == 0) {
                throw e;
            }
            HttpApi any = new HttpApi(h.host(), 0);
            System.err.println("kiln: the default metrics port " + h.port() + " is taken (" + e.getMessage() + "): using "
                    + any.port() + " instead (--metrics-port chooses one)");
            return any;
        }
    }
}
