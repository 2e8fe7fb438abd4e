package kiln.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kiln.config.Durations;
import kiln.config.Settings;
import kiln.report.Cleanup;
import kiln.report.Console;
import kiln.report.Report;
import kiln.report.StatusDocument;
import kiln.report.Summary;
import kiln.report.Verdict;
import kiln.supervisor.Stress;
import kiln.supervisor.Work;
import kiln.util.Sizes;
import kiln.util.Version;
import kiln.workspace.Workspace;

/**
 * One {@code kiln run}: prepares the run ({@link Preparation}), starts its workers and the serving
 * stack ({@link Serving}), shows progress until the duration is over, the machine is warm
 * ({@code --until-ready}) or a signal arrives, then stops everything, removes what it created,
 * reports and returns the exit code ({@link ExitCode#ROWS}). The composition root: every service is
 * made and closed here.
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

    private final Settings asked;
    private final Machine machine;
    private final PrintWriter out;
    private final PrintWriter chatter;
    private final Output output;
    /** The run under way, for {@link #requestStop} and {@link #forceStop}; null before and after. */
    private volatile Run active;
    /** A stop asked for before the run existed (a signal during start-up). */
    private volatile boolean stopAsked;
    /** What the run said at start will not go as asked: printed, and kept for its report. */
    private final Warnings warnings = new Warnings(System.err);

    public RunSession(Settings settings, PrintWriter out, Output output) {
        this(settings, out, output, Machine.REAL);
    }

    RunSession(Settings settings, PrintWriter out, Output output, Machine machine) {
        this.asked = settings;
        this.machine = machine;
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

    public int run() {
        try {
            return stress();
        } catch (CannotRun e) {
            System.err.println("kiln: " + e.getMessage());
            return ExitCode.CANNOT_RUN;
        }
    }

    private int stress() throws CannotRun {
        Work work = new Work();
        Preparation.Prepared p = Preparation.prepare(asked, machine, warnings, work);
        Run run = p.run();
        Stress stress = run.stress();
        Settings s = stress.settings();
        try (Workspace workspace = p.workspace(); stress) {
            active = run;
            if (stopAsked) {
                run.requestStop(); // a signal that came while the directory was being prepared
            }
            // the worker JVMs boot while OSHI, the meters and HTTP load here: start-up is the longer of the two
            run.launch();
            try (Serving serving = Serving.open(s, work, () -> StatusDocument.of(RunState.RUNNING.label(), stress), true, x -> { })) {
                return stress(run, workspace, serving);
            } catch (Serving.Unavailable e) {
                throw new CannotRun("cannot listen on " + s.http().host() + ":" + s.http().port() + " (" + e.getMessage()
                        + "); choose another port with --metrics-port (0 = any free port)");
            }
        } finally {
            active = null;
        }
    }

    private int stress(Run run, Workspace workspace, Serving serving) {
        Stress stress = run.stress();
        Settings s = stress.settings();
        Console console = new Console(chatter, output == Output.TERMINAL, s.run().duration(), stress.pool(), serving.sampler(),
                stress.monitor(), machine.ticker());
        try (Console.Restore log = console.sharingTheTerminal()) {
            if (stress.memoryPerWorker() >= 1L << 30) {
                chatter.printf("workers are getting %s each for the memory stressor before they start: this takes a while%n",
                        Sizes.human(stress.memoryPerWorker()));
                chatter.flush();
            }
            Run.End end = run.toEnd(serving.sampler(), new Run.Course() {
                @Override
                public boolean begins(boolean started) {
                    // two lines, each kept to 120 columns: the start line with a data directory's path ran past a terminal's edge
                    chatter.printf("kiln %s: %d worker%s, metrics at http://%s:%d/metrics%n", Version.current(), stress.pool().size(),
                            stress.pool().size() == 1 ? "" : "s", s.http().host(), serving.http().port());
                    chatter.println(kiln.util.Wrap.hangingText("  ", describe(stress, workspace.dir()), kiln.util.Wrap.COLUMNS));
                    chatter.flush();
                    return true;
                }

                @Override
                public void tick(java.time.Duration elapsed) {
                    console.update(elapsed);
                }
            });
            if (end == Run.End.NOT_STARTED) {
                log.close();
                return exit(new ExitCode.Ending(end, null, false, s.run().untilReady()), null, run, workspace.dir());
            }
            console.finishLine();
            switch (end) {
                case STOPPED -> chatter.println("signal received: stopping early");
                case READY -> chatter.println("the machine is warm after " + Durations.format(run.elapsed()) + ": "
                        + stress.monitor().judged());
                case ALL_FAILED -> chatter.println("every worker has failed: stopping");
                default -> {
                    // the duration is over: the summary says so
                }
            }
            chatter.println("stopping: workers are removing their files…");
            chatter.flush();
            return finish(run.stop(end, workspace), run, workspace.dir());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.CANNOT_RUN;
        }
    }

    /** Prints the summary (or the JSON report), says where the report went and what is left, and returns the exit code. */
    private int finish(Run.Result result, Run run, Path dir) {
        Report report = result.report();
        if (output == Output.JSON) {
            out.println(report.toJson());
        } else {
            new Summary(chatter).print(report);
        }
        Settings s = run.stress().settings();
        if (result.reportLost()) {
            System.err.println("kiln: " + result.reportError()); // the summary above is all there is
        } else if (s.run().report() != null) {
            chatter.println("report: " + s.run().report());
        }
        out.flush();
        Cleanup left = report.findings().cleanup();
        if (left.files() > 0) {
            System.err.println("kiln: " + left.files() + " files kiln created are still in " + dir + " ("
                    + String.join(", ", left.shards().subList(0, Math.min(5, left.shards().size())))
                    + (left.shards().size() > 5 ? ", …" : "") + "): they could not be removed; see the log. The next kiln on"
                    + " this directory sweeps them");
        }
        return exit(new ExitCode.Ending(result.end(), report.judgement().outcome(), result.reportLost(), s.run().untilReady()), report,
                run, dir);
    }

    /** Says how the run ended, on stderr, as {@link ExitCode#ROWS} decides, and returns its code. */
    private static int exit(ExitCode.Ending ending, Report report, Run run, Path dir) {
        ExitCode.Outcome outcome = ExitCode.of(ending);
        Verdict v = report == null ? null : report.judgement();
        Settings s = run.stress().settings();
        switch (outcome) {
            case NOT_STARTED -> System.err.println("kiln: no worker started within "
                    + Durations.format(Run.startTimeout(run.stress().memoryPerWorker())) + "; see the worker log above");
            case FAILED -> System.err.println("kiln: fail: " + String.join("; ", v.reasons()));
            case REPORT_LOST -> System.err.println("kiln: the verdict was " + v.outcome().label() + ", but the report asked for is missing");
            case ALL_WORKERS_FAILED -> System.err.println("kiln: every worker crash-looped: the stress could not run (see the worker log above)");
            case INCONCLUSIVE -> {
                if (report.tampered() > 0) {
                    System.err.println("kiln: " + report.tampered() + " times a link or foreign entry stood where kiln's own should be in "
                            + dir + ": refused and not followed, but the run is not clean (see REFUSED above)");
                }
                System.err.println("kiln: inconclusive: " + String.join("; ", v.reasons()));
            }
            case DEGRADED -> System.err.println("kiln: degraded: " + String.join("; ", v.reasons())
                    + (report.unhealthyWorkers().isEmpty() ? "" : "; the others ran the whole run (see the worker log above)"));
            case NOT_WARM -> {
                String because = run.stress().monitor().waitingFor();
                System.err.println("kiln: the machine was not warm after " + Durations.format(s.run().duration())
                        + " (--duration is the longest --until-ready waits)" + (because.isEmpty() ? "" : ": " + because));
            }
            case PASSED -> {
                // the summary said it
            }
        }
        return outcome.code;
    }

    private static String describe(Stress stress, Path dir) {
        Settings s = stress.settings();
        List<String> parts = new ArrayList<>();
        if (s.files().enabled()) {
            kiln.link.IoPath io = stress.pool().fileIo();
            parts.add("files in " + dir + (io == null ? "" : " via " + io.word() + " I/O"));
        }
        if (s.cpu().enabled()) {
            parts.add("cpu " + s.cpu().method() + " at " + s.cpu().load() + "%"
                    + (s.run().ramp().isZero() ? "" : " after a " + Durations.format(s.run().ramp()) + " ramp"));
        }
        if (stress.memoryPerWorker() > 0) {
            parts.add("memory " + Sizes.human(stress.memoryPerWorker()) + " per worker");
        }
        return parts.isEmpty() ? "no stressor enabled" : String.join(", ", parts);
    }
}
