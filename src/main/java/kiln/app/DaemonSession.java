package kiln.app;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kiln.config.Settings;
import kiln.http.Routes;
import kiln.report.Report;
import kiln.report.StatusDocument;
import kiln.http.ControlRoutes;
import kiln.http.ControlToken;
import kiln.http.HttpApi;
import kiln.http.HttpApi.Reply;
import kiln.http.Json;
import kiln.metrics.KilnMetrics;
import kiln.sampler.HardwareSampler;
import kiln.supervisor.Stress;
import kiln.supervisor.Work;
import kiln.util.Threads;
import kiln.util.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kiln daemon}: metrics and the control API stay up; runs come and go on request
 * ({@code POST /api/v1/run}, {@code POST /api/v1/stop}) or, with {@code --start run}, one starts
 * at once. Counters carry on across runs. Stops cleanly on SIGTERM / Ctrl-C. Thread-safe: HTTP
 * handlers and the run thread share state under this object's monitor.
 */
public final class DaemonSession {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonSession.class);

    private final Path configFile;
    private final Settings base;
    private final boolean startNow;
    private final ControlToken.Found token;
    private final Work work = new Work();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private HardwareSampler sampler;
    /** Screens cores between runs (kiln.screen.*); off unless configured. */
    private kiln.screen.Screener screener;
    private Thread runThread;
    /** The run in progress, for stop requests; null when idle. */
    private Run current;
    /** What the control routes drive. */
    private final ControlRoutes.Control control = new ControlRoutes.Control() {
        @Override
        public Reply start(Map<String, Object> overrides, Map<String, String> nameOfKey) {
            return startRun(overrides, nameOfKey);
        }

        @Override
        public Reply stop() {
            return stopRequest();
        }
    };

    private volatile Map<String, Object> lastResult;
    /** The kept reports, opened when serving starts. */
    private KeptRuns kept;
    /** Why the configured run did not start, or null once a run started. */
    private volatile String startProblem;
    private RunState state = RunState.IDLE;

    /** @param token what control requests must carry (never empty), and where it came from */
    public DaemonSession(Path configFile, Settings base, boolean startNow, ControlToken.Found token) {
        this.configFile = configFile;
        this.base = base;
        this.startNow = startNow;
        this.token = token;
    }

    /** A signal asks the daemon to stop: the run in progress stops cleanly first. Returns at once. */
    public void requestStop() {
        shutdown.countDown();
    }

    /** A second signal: the workers of the run in progress are killed now (the caller halts the JVM next). */
    public void forceStop() {
        Stress s = work.current();
        if (s != null) {
            s.pool().kill();
        }
    }

    public int serve() {
        kept = KeptRuns.open(base.files().dir(), work);
        lastResult = kept.last();
        sampler = new HardwareSampler(base.files().dir(), base.sampler().interval());
        KilnMetrics metrics;
        HttpApi http;
        try {
            sampler.start();
            metrics = new KilnMetrics(work, sampler, Version.current());
            sampler.addListener(s -> {
                Stress cur = work.current();
                if (cur != null) {
                    cur.monitor().onSample(s);
                }
            });
            http = new HttpApi(base.http().host(), base.http().port());
            Routes.observe(http, metrics, this::status, work);
            metrics.problem(this::problem);
            screener = kiln.screen.Screener.open(base);
            sampler.addListener(screener::onSample);
            kiln.metrics.ScreenMeters.register(metrics.registry(), screener);
            http.get("/readyz", r -> problem() == null
                    ? new Reply(200, "text/plain; charset=utf-8", "ok\n")
                    : Reply.json(503, Json.object(Map.of("ready", false, "problem", problem()))));
            kept.install(http);
            ControlRoutes.install(http, token.token(), control);
            http.start();
            screener.start();
        } catch (IOException | RuntimeException e) {
            if (screener != null) {
                screener.close();
            }
            sampler.close();
            kept.close();
            System.err.println("kiln: cannot listen on " + base.http().host() + ":" + base.http().port() + ": " + e.getMessage());
            return ExitCode.CANNOT_RUN;
        }

        LOG.info("kiln {} daemon: metrics and control at http://{}:{}/ (control {})", Version.current(), base.http().host(),
                http.port(), "needs the bearer token from " + token.source());
        if (startNow) {
            Reply r = startRun(Map.of(), Map.of());
            if (r.code() != 202) {
                startProblem = "the configured run did not start: " + r.body().strip();
                LOG.error("{}", startProblem);
            }
        }
        try {
            shutdown.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("stopping the daemon");
        screener.close();
        stopRun();
        joinRun(Duration.ofSeconds(30));
        http.close();
        sampler.close();
        kept.close();
        return ExitCode.OK;
    }


    /**
     * Starts a run. Only the check and the change of state hold the lock: loading settings,
     * opening and sweeping the directory and forking workers happen outside it, so
     * {@code GET /api/v1/status} never waits on them ("starting" keeps a second run out meanwhile).
     */
    private Reply startRun(Map<String, Object> requested, Map<String, String> nameOfKey) {
        Map<String, Object> overrides = new LinkedHashMap<>(requested);
        try {
            RequestedDir.apply(base.files().dir(), overrides, nameOfKey);
        } catch (RequestedDir.Refused e) {
            return Reply.error(400, e.getMessage());
        }
        synchronized (this) {
            if (state != RunState.IDLE) {
                return Reply.error(409, "a run is " + state.label() + "; POST /api/v1/stop first");
            }
            state = state.moveTo(RunState.STARTING);
            lastResult = null;
        }
        screener.pauseForRun(); // the run wins: a screen in progress stops first
        PreparedRun p;
        try {
            p = PreparedRun.prepare(configFile, base, overrides, nameOfKey, work);
        } catch (PreparedRun.Refused e) {
            screener.runEnded();
            setState(RunState.IDLE);
            return e.reply;
        }
        Settings s = p.run().stress().settings();
        synchronized (this) {
            current = p.run();
            if (state == RunState.STOPPING) {
                current.requestStop(); // asked for while the run was being prepared: it ends at once, reported as cut short
            }
            runThread = Threads.daemon("kiln-run", () -> runToEnd(p));
            runThread.setDaemon(false);
        }
        runThread.start();
        startProblem = null;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", RunState.STARTING.label());
        body.put("workers", s.workers().count());
        body.put("duration_seconds", s.run().duration().toSeconds());
        if (!p.run().warnings().isEmpty()) {
            body.put("warnings", p.run().warnings());
        }
        return Reply.json(202, Json.object(body));
    }

    private void runToEnd(PreparedRun p) {
        Run run = p.run();
        Run.End end;
        try {
            run.launch();
            if (!run.awaitStarted(sampler)) {
                end = run.stopRequested() ? Run.End.STOPPED : Run.End.NOT_STARTED;
            } else if (upUnlessStopping()) {
                ProgressLog progress = new ProgressLog(kiln.util.Ticker.SYSTEM, LOG::info);
                end = run.awaitEnd(elapsed -> progress.tick(() -> ProgressLog.line(ProgressLog.Snapshot.of(run.stress(), elapsed))));
            } else {
                end = Run.End.STOPPED; // stopped while it was starting: it never shows as running
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = Run.End.STOPPED;
        }
        stopping();
        Run.Result r = run.stop(end, p.workspace());
        Map<String, Object> result = new LinkedHashMap<>(r.report().toMap());
        Path reportPath = run.stress().settings().run().report();
        if (reportPath != null) {
            try {
                r.report().writeTo(reportPath, run.stress().monitor().history());
                result.put("report", reportPath.toString());
            } catch (kiln.report.ReportFile.Unwritable e) {
                LOG.error("{}", e.getMessage());
                result.put("report_error", e.getMessage());
            }
        }
        work.end();
        p.workspace().close();
        kept.keep(r.report(), result);
        LOG.info("run ended ({}): verdict {}, {} files, {} cpu ops", end.text(), r.report().verdict(),
                r.report().totals().files().created(), r.report().cpuOps());
        synchronized (this) {
            lastResult = result;
            current = null;
            state = state.moveTo(RunState.IDLE);
        }
        screener.runEnded();
    }

    private synchronized void setState(RunState s) {
        state = state.moveTo(s);
    }

    /** The workers came up: running, unless a stop came first. */
    private synchronized boolean upUnlessStopping() {
        if (state == RunState.STOPPING) {
            return false;
        }
        state = state.moveTo(RunState.RUNNING);
        return true;
    }

    /** The run is ending; a stop request may have said so already. */
    private synchronized void stopping() {
        if (state != RunState.STOPPING) {
            state = state.moveTo(RunState.STOPPING);
        }
    }

    private Reply stopRequest() {
        synchronized (this) {
            if (state == RunState.IDLE) {
                return Reply.error(409, "no run in progress");
            }
            if (state != RunState.STOPPING) {
                // what the reply says is what the status shows from now on; a run still being
                // prepared (no Run yet) is told when it is made (startRun)
                state = state.moveTo(RunState.STOPPING);
            }
        }
        stopRun();
        return Reply.json(202, Json.object(Map.of("state", RunState.STOPPING.label())));
    }

    private void stopRun() {
        Run r;
        synchronized (this) {
            r = current;
        }
        if (r != null) {
            r.requestStop();
        }
    }

    private void joinRun(Duration d) {
        Thread t;
        synchronized (this) {
            t = runThread;
        }
        if (t != null) {
            try {
                t.join(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }


    private synchronized Map<String, Object> status() {
        Map<String, Object> doc = new LinkedHashMap<>(StatusDocument.of(state.label(), work.current()));
        if (problem() != null) {
            doc.put("problem", problem());
        }
        if (lastResult != null) {
            doc.put("last_run", lastResult);
        }
        doc.put("screening", screener.status());
        return doc;
    }

    /** Why the daemon cannot do what it was configured to do, or null: shown in status, metrics and /readyz. */
    private String problem() {
        String h = kept == null ? null : kept.problem();
        String r = startProblem;
        return h == null ? r : r == null ? h : h + "; " + r;
    }
}
