package kiln.app;

import kiln.link.Outcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kiln.fleet.CoreFailures;
import kiln.fleet.CoreLedger;
import kiln.fleet.CoresDocument;
import kiln.fleet.LedgerReading;
import kiln.http.HttpApi;
import kiln.http.HttpApi.Reply;
import kiln.util.Json;
import kiln.report.KeptReport;
import kiln.report.Report;
import kiln.report.Verdict;
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
 * directory cannot hold them, or a kept report cannot be used, {@link #problem()} says why and the
 * daemon reports it ({@code /readyz} not ok). Thread-safe (RunHistory is; the rest is set once or
 * volatile).
 */
final class KeptRuns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeptRuns.class);
    private static final String RUNS = "/api/v1/runs";

    private final RunHistory history;
    /** Why reports cannot be kept at all (fixed), or null. */
    private final String cannotKeep;
    /**
     * Kept reports found unreadable at start, or the last run's report that could not be kept,
     * until a run's report is kept again; null when none.
     */
    private volatile String keptProblem;
    private final Map<String, Object> last;
    private final Work work;
    /** The per-core failure ledger beside the reports; null when they cannot be kept. */
    private final CoreLedger ledger;

    private KeptRuns(RunHistory history, String cannotKeep, String keptProblem, Map<String, Object> last, Work work) {
        this.history = history;
        this.ledger = history == null ? null : CoreLedger.open(history.ledger());
        this.cannotKeep = cannotKeep;
        this.keptProblem = keptProblem;
        this.last = last;
        this.work = work;
    }

    /**
     * Opens the reports kept under {@code dir} and gives the last run's verdict to {@code work}:
     * that of the report with the highest sequence. Every kept report is read and checked; one
     * that cannot be used (empty, cut short, too deep, not a report) is logged and makes
     * {@link #problem()} name it. When the newest is such a one, that run's verdict is unknown:
     * the last verdict is then inconclusive, or fail if the newest readable report failed (a node
     * that failed stays failed), never pass.
     */
    static KeptRuns open(Path dir, Work work) {
        RunHistory history;
        try {
            history = RunHistory.open(dir);
        } catch (WorkspaceException e) {
            String problem = "cannot keep run reports: " + e.getMessage();
            LOG.error("{}", problem);
            return new KeptRuns(null, problem, null, null, work);
        }
        List<String> ids;
        try {
            ids = history.ids();
        } catch (FsException e) {
            String problem = "cannot list the kept run reports in " + history.path() + ": " + e.getMessage();
            LOG.error("{}", problem);
            return new KeptRuns(history, null, problem, null, work);
        }
        List<String> bad = new ArrayList<>();
        String newestBad = null;
        KeptReport newest = null;
        String newestId = null;
        for (int i = ids.size() - 1; i >= 0; i--) {
            String id = ids.get(i);
            try {
                KeptReport r = read(history, id);
                if (newest == null) {
                    newest = r;
                    newestId = id;
                }
            } catch (KeptReport.Unreadable e) {
                String what = history.pathOf(id) + " (" + e.getMessage() + ")";
                LOG.error("kept run report unreadable: {}", what);
                bad.add(what);
                if (newest == null && newestBad == null) {
                    newestBad = id;
                }
            }
        }
        Map<String, Object> last = null;
        if (newestBad != null) {
            // the newest run's verdict is unknown: not a pass, and a fail before it still stands
            Outcome v = newest != null && newest.verdict() == Outcome.FAIL ? Outcome.FAIL : Outcome.INCONCLUSIVE;
            Instant at = RunHistory.timeOf(newestBad).orElse(newest == null ? Instant.EPOCH : newest.end());
            work.lastRun(new Work.LastRun(v, at));
            last = new LinkedHashMap<>();
            last.put("id", newestBad);
            last.put("verdict", v.label());
            last.put("end", at.toString());
            last.put("error", "the report of this run is unreadable; the verdict is the worst it can be"
                    + (newestId == null ? "" : " given " + newestId));
            LOG.warn("last run ({}): its report is unreadable: verdict taken as {}", newestBad, v.label());
        } else if (newest != null) {
            work.lastRun(new Work.LastRun(newest.verdict(), newest.end()));
            last = newest.document();
            LOG.info("last run (from {}): verdict {} at {}", history.pathOf(newestId), newest.verdict().label(), newest.end());
        }
        String problem = bad.isEmpty() ? null : (bad.size() == 1 ? "a kept run report is unreadable: " : bad.size()
                + " kept run reports are unreadable: ") + String.join("; ", bad.subList(0, Math.min(3, bad.size())))
                + (bad.size() > 3 ? "; …" : "") + " (the next run's report settles the last verdict)";
        return new KeptRuns(history, null, problem, last, work);
    }

    /** One kept report, checked; whatever is wrong with it (a read error, a parser's) is an Unreadable, nothing escapes. */
    private static KeptReport read(RunHistory history, String id) throws KeptReport.Unreadable {
        try {
            Optional<String> json = history.read(id);
            if (json.isEmpty()) {
                throw new KeptReport.Unreadable("gone, or not a regular file");
            }
            return KeptReport.parse(json.get());
        } catch (FsException e) {
            throw new KeptReport.Unreadable(e.errno() == kiln.workspace.Errno.EFBIG ? "larger than a report kiln writes"
                    : "cannot be read: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            throw new KeptReport.Unreadable("not a report: " + e);
        }
    }

    /** Why reports cannot be kept, why a kept one cannot be used, or why the ledger cannot be trusted; null when all is well. */
    String problem() {
        String reports = cannotKeep != null ? cannotKeep : keptProblem;
        String cores = ledger == null ? null : ledger.problem();
        return reports == null ? cores : cores == null ? reports : reports + "; " + cores;
    }

    /** The per-core failure ledger, where runs and screening bursts record a core's failures; null when reports cannot be kept. */
    CoreLedger ledger() {
        return ledger;
    }

    /** The last kept report as a map, or null. */
    Map<String, Object> last() {
        return last;
    }

    void install(HttpApi http) {
        http.get(RUNS, r -> list());
        http.getUnder(RUNS + "/", r -> one(r.path().substring(RUNS.length() + 1)));
        http.get("/api/v1/cores", r -> ledger == null ? unavailable()
                : Reply.json(200, Json.object(CoresDocument.of(ledger.reading(), ledger.path(), ledger.problem()))));
    }

    /**
     * Keeps the report of a run that ended (its id and sequence go into {@code result}), and makes
     * its verdict the last one: it settles what an unreadable kept report left unknown.
     */
    void keep(Report report, Map<String, Object> result) {
        Instant at = result.get("end") instanceof String t ? Instant.parse(t) : Instant.now();
        work.lastRun(new Work.LastRun(report.judgement().outcome(), at));
        if (history == null) {
            return;
        }
        // the ledger first: if the report cannot be kept (the directory listing fails, EIO), the core's failures still are
        List<kiln.fleet.CoreFailure> failures = CoreFailures.of(report, nextId(at), at);
        ledger.record(failures);
        try {
            String id = history.save(at, sequence -> {
                result.put(KeptReport.SEQUENCE, sequence);
                describeCores(failures, result);
                return kiln.report.JsonText.pretty(result); // the report's order and plain numbers, as kiln run --report writes it
            });
            result.put("id", id);
            keptProblem = null;
        } catch (FsException e) {
            // a restart would not remember this verdict: not ready until a report is kept again
            keptProblem = "cannot keep the last run's report in " + history.path() + " (" + e.getMessage()
                    + "): a restart would not remember its verdict (" + report.verdict() + ")";
            LOG.error("{}", keptProblem);
        }
    }

    /**
     * The id the run's report will be kept under (the ledger names the run by it); when the kept
     * reports cannot be listed, sequence 0: still one id per run, by its end.
     */
    private String nextId(Instant end) {
        try {
            List<String> ids = history.ids();
            return RunHistory.idOf(ids.isEmpty() ? 1 : RunHistory.sequenceOf(ids.get(ids.size() - 1)) + 1, end);
        } catch (FsException | RuntimeException e) {
            return RunHistory.idOf(0, end);
        }
    }

    /** Says in the report which of the run's cores are recidivist (a reason of the verdict) and what the ledger holds. */
    private void describeCores(List<kiln.fleet.CoreFailure> failures, Map<String, Object> result) {
        LedgerReading now = ledger.reading();
        List<String> reasons = new ArrayList<>();
        java.util.Set<String> failedHere = new java.util.HashSet<>();
        failures.forEach(f -> failedHere.add(f.cpu()));
        for (LedgerReading.Core c : now.recidivists()) {
            if (failedHere.contains(c.cpu())) {
                reasons.add("cpu " + c.cpu() + " is recidivist: it failed in " + c.runs().size() + " runs (" + String.join(", ", c.runs())
                        + "), first " + c.first() + "; see " + ledger.path());
            }
        }
        if (!reasons.isEmpty() && result.get("verdict_reasons") instanceof List<?> had) {
            had.forEach(r -> reasons.add(String.valueOf(r)));
            result.put("verdict_reasons", reasons);
        }
        result.put("cores", CoresDocument.of(now, ledger.path(), ledger.problem()));
    }

    private Reply unavailable() {
        return Reply.error(503, cannotKeep == null ? "no run history" : cannotKeep);
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
                    Map<String, Object> r = read(history, ids.get(i)).document();
                    for (String k : new String[] {KeptReport.SEQUENCE, "verdict", "outcome", "start", "end", "duration_seconds"}) {
                        one.put(k, r.get(k));
                    }
                } catch (KeptReport.Unreadable e) {
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
