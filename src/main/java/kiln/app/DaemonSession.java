package kiln.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import kiln.config.Settings;
import kiln.http.ControlRoutes;
import kiln.http.ControlToken;
import kiln.http.HttpApi.Reply;
import kiln.util.Json;
import kiln.supervisor.Stress;
import kiln.supervisor.Work;
import kiln.util.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kiln daemon}: metrics and the control API stay up ({@link Serving}); runs come and go on
 * request ({@code POST /api/v1/run}, {@code POST /api/v1/stop}) or, with {@code --start run}, one
 * starts at once ({@link DaemonRuns}). Counters carry on across runs. Stops cleanly on SIGTERM /
 * Ctrl-C. Thread-safe.
 */
public final class DaemonSession {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonSession.class);

    private final Path configFile;
    private final Settings base;
    private final boolean startNow;
    private final ControlToken.Found token;
    private final Machine machine;
    private final Work work = new Work();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    /** The runs, made once the sampler they read exists, before any request can reach them. */
    private volatile DaemonRuns runs;
    /** Screens cores between runs (kiln.screen.*); off unless configured. */
    private volatile kiln.screen.Screener screener;
    /** The kept reports, opened when serving starts. */
    private volatile KeptRuns kept;
    /** Why the configured run did not start, or null once a run started. */
    private volatile String startProblem;
    /** What the control routes drive. */
    private final ControlRoutes.Control control = new ControlRoutes.Control() {
        @Override
        public Reply start(Map<String, Object> overrides, Map<String, String> nameOfKey) {
            return startRun(overrides, nameOfKey);
        }

        @Override
        public Reply stop() {
            return runs.stop();
        }
    };

    /** @param token what control requests must carry (never empty), and where it came from */
    public DaemonSession(Path configFile, Settings base, boolean startNow, ControlToken.Found token) {
        this(configFile, base, startNow, token, Machine.REAL);
    }

    DaemonSession(Path configFile, Settings base, boolean startNow, ControlToken.Found token, Machine machine) {
        this.configFile = configFile;
        this.base = base;
        this.startNow = startNow;
        this.token = token;
        this.machine = machine;
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
        kiln.screen.Screener sc = screener;
        if (sc != null) {
            sc.kill(); // a screen's pinned workers must not outlive the daemon either
        }
    }

    public int serve() {
        kept = KeptRuns.open(base.files().dir(), work);
        Serving serving;
        try {
            serving = Serving.open(base, work, this::status, false, sv -> {
                runs = new DaemonRuns(configFile, base, machine, work, kept, sv.sampler());
                screener = kiln.screen.Screening.open(base, () -> work.current() != null);
                sv.sampler().addListener(screener::onSample);
                kiln.metrics.ScreenMeters.register(sv.metrics().registry(), screener);
                if (kept.ledger() != null) {
                    screener.onResult(r -> kept.ledger().record(r.coreFailures(base.screen().fault())));
                }
                sv.metrics().problem(this::problem);
                if (kept.ledger() != null) {
                    kept.ledger().onRecord(new kiln.metrics.CoreFailureMeters(sv.metrics().registry(), kept.ledger()::failuresByCpu)::refresh);
                }
                sv.http().get("/readyz", r -> problem() == null
                        ? new Reply(200, "text/plain; charset=utf-8", "ok\n")
                        : Reply.json(503, Json.object(Map.of("ready", false, "problem", problem()))));
                kept.install(sv.http());
                ControlRoutes.install(sv.http(), token.token(), control);
            });
        } catch (Serving.Unavailable e) {
            if (screener != null) {
                screener.close();
            }
            kept.close();
            System.err.println("kiln: cannot listen on " + base.http().host() + ":" + base.http().port() + ": " + e.getMessage());
            return ExitCode.CANNOT_RUN;
        }
        LOG.info("kiln {} daemon: metrics and control at http://{}:{}/ (control {})", Version.current(), base.http().host(),
                serving.http().port(), "needs the bearer token from " + token.source());
        screener.start();
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
        runs.stopRun();
        runs.joinRun(Duration.ofSeconds(30));
        serving.close();
        kept.close();
        return ExitCode.OK;
    }

    private Reply startRun(Map<String, Object> overrides, Map<String, String> nameOfKey) {
        // the run wins: a screen in progress stops first; the run's work then holds the next
        String refused = screener.pauseForRun();
        Reply r;
        try {
            r = refused != null ? Reply.error(409, refused) : runs.start(overrides, nameOfKey);
        } finally {
            screener.resume();
        }
        if (r.code() == 202) {
            startProblem = null;
        }
        return r;
    }

    private Map<String, Object> status() {
        Map<String, Object> doc = new java.util.LinkedHashMap<>(runs.status(problem()));
        kiln.screen.Screener s = screener;
        if (s != null) {
            doc.put("screening", s.status());
        }
        return doc;
    }

    /** Why the daemon cannot do what it was configured to do, or null: shown in status, metrics and /readyz. */
    private String problem() {
        KeptRuns k = kept;
        kiln.screen.Screener sc = screener;
        String h = join(k == null ? null : k.problem(), sc == null ? null : sc.problem());
        return join(h, startProblem);
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }
}
