package kiln.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import kiln.config.Settings;
import kiln.config.SettingsException;
import kiln.config.SettingsLoader;
import kiln.http.HttpApi.Reply;
import kiln.http.Json;
import kiln.report.StatusDocument;
import kiln.sampler.HardwareSampler;
import kiln.supervisor.Work;
import kiln.util.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's runs, one at a time: the state machine of {@link RunState} driven by start and
 * stop requests and by each run's own course, which goes on its own thread. A run that ends is
 * reported, kept ({@link KeptRuns}) and becomes the last run. Thread-safe: the state, the run in
 * progress and the last result are guarded by this object's monitor, which is never held while
 * settings are read, a directory opened, workers forked or a report written.
 */
final class DaemonRuns {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonRuns.class);

    private final Path configFile;
    private final Settings base;
    private final Machine machine;
    private final Work work;
    private final KeptRuns kept;
    private final HardwareSampler sampler;
    private final List<Consumer<RunState>> watchers = new CopyOnWriteArrayList<>();
    private RunState state = RunState.IDLE;
    /** The run in progress, for stop requests; null when idle or still being prepared. */
    private Run current;
    private Thread runThread;
    /** The last run's report as the status document shows it; null while a run goes and before the first. */
    private Map<String, Object> lastResult;

    /**
     * @param configFile the daemon's configuration file, read again for each run
     * @param base       the daemon's own settings (its directory and port cannot change)
     */
    DaemonRuns(Path configFile, Settings base, Machine machine, Work work, KeptRuns kept, HardwareSampler sampler) {
        this.configFile = configFile;
        this.base = base;
        this.machine = machine;
        this.work = work;
        this.kept = kept;
        this.sampler = sampler;
        this.lastResult = kept.last();
    }

    /**
     * Told of every move of the state, in order, under this object's lock: it must return at once
     * (a screening mode, say, learns here when the daemon is idle).
     */
    void watch(Consumer<RunState> watcher) {
        watchers.add(watcher);
    }

    synchronized RunState state() {
        return state;
    }

    /**
     * Starts a run with {@code requested} overrides (full keys; {@code nameOfKey} gives the
     * request's word for each). Only the check and the change of state hold the lock: loading
     * settings, opening and sweeping the directory and forking workers happen outside it, so the
     * status never waits on them ("starting" keeps a second run out meanwhile).
     *
     * @return 202 with the run's state, workers and duration (and warnings); 400 when its settings
     *         or directory cannot be used; 409 while another run is in progress
     */
    Reply start(Map<String, Object> requested, Map<String, String> nameOfKey) {
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
            move(RunState.STARTING);
            lastResult = null;
        }
        Preparation.Prepared p;
        try {
            p = prepare(overrides, nameOfKey);
        } catch (Refused e) {
            synchronized (this) {
                move(RunState.IDLE);
            }
            return e.reply;
        }
        synchronized (this) {
            current = p.run();
            if (state == RunState.STOPPING) {
                current.requestStop(); // asked for while the run was being prepared: it ends at once, reported as cut short
            }
            runThread = Threads.daemon("kiln-run", () -> runToEnd(p));
            runThread.setDaemon(false);
        }
        runThread.start();
        Settings s = p.run().stress().settings();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", RunState.STARTING.label());
        body.put("workers", s.workers().count());
        body.put("duration_seconds", s.run().duration().toSeconds());
        if (!p.run().warnings().isEmpty()) {
            body.put("warnings", p.run().warnings());
        }
        return Reply.json(202, Json.object(body));
    }

    /** A run request that cannot start: the reply says why. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Reply reply;

        Refused(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    /**
     * The run's settings, read with the request's overrides, and the run prepared as
     * {@code kiln run} prepares its own. What will not go as asked is printed in the daemon's log
     * and also told to the client that asked, who does not read that log.
     */
    private Preparation.Prepared prepare(Map<String, Object> overrides, Map<String, String> nameOfKey) throws Refused {
        Settings s;
        try {
            s = new SettingsLoader().load(configFile, overrides);
        } catch (SettingsException e) {
            String name = nameOfKey.get(e.key());
            throw new Refused(Reply.error(400, name == null ? e.getMessage() : e.messageFor(name)));
        }
        if (s.http().port() != base.http().port() && nameOfKey.containsValue("metrics-port")) {
            throw new Refused(Reply.error(400, "metrics-port: cannot change while the daemon serves on " + base.http().port()));
        }
        try {
            return Preparation.prepare(s, machine, new Warnings(System.err), work);
        } catch (CannotRun e) {
            String key = e.key();
            throw new Refused(Reply.error(400, key == null ? e.getMessage() : nameOfKey.getOrDefault(key, key) + ": " + e.getMessage()));
        }
    }

    private void runToEnd(Preparation.Prepared p) {
        Run run = p.run();
        Run.End end;
        try {
            run.launch();
            end = run.toEnd(sampler, new Run.Course() {
                private ProgressLog progress;

                @Override
                public boolean begins(boolean started) {
                    progress = new ProgressLog(machine.ticker(), LOG::info);
                    return started && upUnlessStopping(); // stopped while it was starting: it never shows as running
                }

                @Override
                public void tick(Duration elapsed) {
                    progress.tick(() -> ProgressLog.line(ProgressLog.Snapshot.of(run.stress(), elapsed)));
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = Run.End.STOPPED;
        }
        synchronized (this) {
            if (state != RunState.STOPPING) { // a stop request may have said so already
                move(RunState.STOPPING);
            }
        }
        Run.Result r = run.stop(end, p.workspace());
        Map<String, Object> result = new LinkedHashMap<>(r.report().toMap());
        if (r.reportLost()) {
            LOG.error("{}", r.reportError());
            result.put("report_error", r.reportError());
        } else if (run.stress().settings().run().report() != null) {
            result.put("report", run.stress().settings().run().report().toString());
        }
        work.end();
        p.workspace().close();
        kept.keep(r.report(), result);
        LOG.info("run ended ({}): verdict {}, {} files, {} cpu ops", end.text(), r.report().verdict(),
                r.report().totals().files().created(), r.report().cpuOps());
        synchronized (this) {
            lastResult = result;
            current = null;
            move(RunState.IDLE);
        }
    }

    /** The workers came up: running, unless a stop came first. */
    private synchronized boolean upUnlessStopping() {
        if (state == RunState.STOPPING) {
            return false;
        }
        move(RunState.RUNNING);
        return true;
    }

    /** Asks the run in progress to stop: 202 stopping, or 409 when there is none. */
    Reply stop() {
        synchronized (this) {
            if (state == RunState.IDLE) {
                return Reply.error(409, "no run in progress");
            }
            if (state != RunState.STOPPING) {
                // what the reply says is what the status shows from now on; a run still being
                // prepared (no Run yet) is told when it is made (start)
                move(RunState.STOPPING);
            }
        }
        stopRun();
        return Reply.json(202, Json.object(Map.of("state", RunState.STOPPING.label())));
    }

    /** Asks the run in progress, if any, to end cleanly; returns at once. */
    void stopRun() {
        Run r;
        synchronized (this) {
            r = current;
        }
        if (r != null) {
            r.requestStop();
        }
    }

    /** Waits up to {@code d} for the run's thread to end (its workers stopped, its report kept). */
    void joinRun(Duration d) {
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

    /** The status document: the state and the run in progress, {@code problem} when not null, the last run's report. */
    synchronized Map<String, Object> status(String problem) {
        Map<String, Object> doc = new LinkedHashMap<>(StatusDocument.of(state.label(), work.current()));
        if (problem != null) {
            doc.put("problem", problem);
        }
        if (lastResult != null) {
            doc.put("last_run", lastResult);
        }
        return doc;
    }

    private void move(RunState next) {
        state = state.moveTo(next);
        watchers.forEach(w -> w.accept(next));
    }
}
