package kiln.app;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kiln.http.HttpApi;
import kiln.http.HttpApi.Reply;
import kiln.http.Json;
import kiln.report.Report;
import kiln.supervisor.Work;
import kiln.workspace.FsException;
import kiln.workspace.RunHistory;
import kiln.workspace.WorkspaceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's kept run reports ({@code <dir>/.kiln-runs}, see {@link RunHistory}) and the routes
 * that serve them: {@code GET /api/v1/runs} and {@code GET /api/v1/runs/{id}}. Opening them
 * restores the last verdict, so a node that failed stays failed across a restart. When the
 * directory cannot hold them, {@link #problem()} says why and the daemon reports it. Thread-safe
 * (RunHistory is; the rest is set once).
 */
final class KeptRuns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeptRuns.class);
    private static final String RUNS = "/api/v1/runs";

    private final RunHistory history;
    private final String problem;
    private final Map<String, Object> last;
    private final Work work;

    private KeptRuns(RunHistory history, String problem, Map<String, Object> last, Work work) {
        this.history = history;
        this.problem = problem;
        this.last = last;
        this.work = work;
    }

    /** Opens the reports kept under {@code dir} and gives the last one's verdict to {@code work}. */
    static KeptRuns open(Path dir, Work work) {
        RunHistory history;
        try {
            history = RunHistory.open(dir);
        } catch (WorkspaceException e) {
            String problem = "cannot keep run reports: " + e.getMessage();
            LOG.error("{}", problem);
            return new KeptRuns(null, problem, null, work);
        }
        Map<String, Object> last = null;
        try {
            Optional<String> latest = history.latest();
            if (latest.isPresent()) {
                last = parse(latest.get());
                if (last.get("verdict") instanceof String v && last.get("end") instanceof String t) {
                    work.lastRun(new Work.LastRun(v, Instant.parse(t)));
                    LOG.info("last run (from {}): verdict {} at {}", history.path(), v, t);
                }
            }
        } catch (FsException | RuntimeException e) {
            LOG.warn("cannot read the last run's report in {}: {}", history.path(), e.getMessage());
        }
        return new KeptRuns(history, null, last, work);
    }

    /** Why reports cannot be kept, or null. */
    String problem() {
        return problem;
    }

    /** The last kept report as a map, or null. */
    Map<String, Object> last() {
        return last;
    }

    void install(HttpApi http) {
        http.get(RUNS, r -> list());
        http.getUnder(RUNS + "/", r -> one(r.path().substring(RUNS.length() + 1)));
    }

    /** A kept report as a map; throws a RuntimeException when it is not a JSON object. */
    private static Map<String, Object> parse(String json) {
        return com.typesafe.config.ConfigFactory.parseString(json,
                com.typesafe.config.ConfigParseOptions.defaults().setSyntax(com.typesafe.config.ConfigSyntax.JSON)).root().unwrapped();
    }

    /** Keeps the report of a run that ended (its id goes into {@code result}), and makes its verdict the last one. */
    void keep(Report report, Map<String, Object> result) {
        Instant at = result.get("end") instanceof String t ? Instant.parse(t) : Instant.now();
        work.lastRun(new Work.LastRun(report.verdict(), at));
        if (history == null) {
            return;
        }
        try {
            result.put("id", history.save(at, Json.pretty(result)));
        } catch (FsException e) {
            LOG.error("cannot keep the run's report in {}: {}", history.path(), e.getMessage());
        }
    }

    private Reply unavailable() {
        return Reply.error(503, problem == null ? "no run history" : problem);
    }

    private Reply list() {
        if (history == null) {
            return unavailable();
        }
        List<Map<String, Object>> runs = new ArrayList<>();
        try {
            List<String> ids = history.ids();
            for (int i = ids.size() - 1; i >= 0; i--) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("id", ids.get(i));
                try {
                    Map<String, Object> r = parse(history.read(ids.get(i)).orElse("{}"));
                    for (String k : new String[] {"verdict", "outcome", "start", "end", "duration_seconds"}) {
                        one.put(k, r.get(k));
                    }
                } catch (RuntimeException e) {
                    one.put("error", "unreadable: " + e.getMessage());
                }
                runs.add(one);
            }
        } catch (FsException e) {
            return Reply.error(500, "cannot list " + history.path() + ": " + e.getMessage());
        }
        return Reply.json(200, Json.object(Map.of("runs", runs)));
    }

    private Reply one(String id) {
        if (history == null) {
            return unavailable();
        }
        try {
            return history.read(id).map(json -> new Reply(200, "application/json", json.endsWith("\n") ? json : json + "\n"))
                    .orElse(Reply.error(404, "no run " + id));
        } catch (FsException e) {
            return Reply.error(500, "cannot read run " + id + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (history != null) {
            history.close();
        }
    }
}
