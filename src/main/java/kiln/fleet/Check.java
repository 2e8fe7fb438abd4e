package kiln.fleet;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code kiln check}'s judgement, node-problem-detector's custom-plugin contract: exit 0 the node
 * is fine, 1 it has a problem, anything else unknown; one line of at most {@link #WIDTH}
 * characters saying why. A pure function of what the daemon (or, when it is down, the kept reports
 * and the ledger on disk) says. Worst first: a recidivist core, a run in progress that has already
 * failed, the last conclusive run's fail, a ledger that cannot be trusted (unknown), a newest run
 * that cannot vouch (inconclusive), then degraded and pass. Stateless.
 */
public final class Check {
    /** Longest line, in bytes: node-problem-detector's custom plugin keeps the first 80 of its output (max_output_length). */
    public static final int WIDTH = 80;
    public static final int OK = 0;
    public static final int PROBLEM = 1;
    /** Nothing to judge by: no daemon and no kept report, a damaged ledger, a run with no verdict yet. */
    public static final int UNKNOWN = 3;
    /** The newest run cannot vouch for the machine (kiln's own code for inconclusive). */
    public static final int INCONCLUSIVE = 5;
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    private Check() {
    }

    /** The exit code and the line. */
    public record Answer(int code, String line) {
        public Answer {
            line = fit(line);
        }
    }

    /**
     * A kept run as listed, newest first.
     *
     * @param verdict its verdict, or null when its report cannot be read
     * @param end     when it ended (ISO-8601), or null
     */
    public record Run(String id, String verdict, String end) {
    }

    /**
     * What there is to judge by.
     *
     * @param from         where it came from, for the line: "daemon", "kept reports"
     * @param runs         the kept runs, newest first
     * @param document     a kept run's report by id (for a fail's details); null when it cannot be had
     * @param running      the verdict so far of a run in progress and its first reason, or null
     * @param recidivists  the recidivist cores
     * @param ledgerProblem why the ledger cannot be trusted whole, or null
     * @param newestFailure the ledger's newest failure (a run's or a screen's), or null
     */
    public record Facts(String from, List<Run> runs, Function<String, Map<String, Object>> document, Running running,
                        List<LedgerReading.Core> recidivists, String ledgerProblem, CoreFailure newestFailure) {
    }

    /** A run in progress: its verdict so far and the first reason. */
    public record Running(String verdict, String reason) {
    }

    /** The node condition's answer: a degraded machine is not a failed one (0). */
    public static Answer decide(Facts f) {
        if (!f.recidivists().isEmpty()) {
            LedgerReading.Core c = f.recidivists().get(0);
            String more = f.recidivists().size() > 1 ? " +" + (f.recidivists().size() - 1) + " more" : "";
            return new Answer(PROBLEM, "fail: cpu " + c.cpu() + more + " recidivist, " + c.runs().size() + " runs failed ("
                    + String.join(",", c.methods()) + "), last " + MINUTE.format(c.last()) + (c.injectedOnly() ? " (injected)" : ""));
        }
        if (f.running() != null && "fail".equals(f.running().verdict())) {
            return new Answer(PROBLEM, "fail: run in progress: " + f.running().reason());
        }
        Run newestUnclear = null;
        Run conclusive = null;
        for (Run r : f.runs()) {
            if (r.verdict() == null || r.verdict().equals("inconclusive")) {
                newestUnclear = newestUnclear == null ? r : newestUnclear;
                continue;
            }
            conclusive = r;
            break;
        }
        if (conclusive != null && conclusive.verdict().equals("fail")) {
            return new Answer(PROBLEM, "fail: " + failure(f, conclusive) + (newestUnclear == null ? "" : "; later runs inconclusive"));
        }
        CoreFailure lf = f.newestFailure();
        if (lf != null && (conclusive == null || after(lf.at(), conclusive))) {
            // a screen between runs (or a run whose report was lost) failed a core: no earlier pass vouches for it
            return new Answer(PROBLEM, "fail: cpu " + lf.cpu() + " failed " + lf.method() + (lf.retest().equals("-") ? "" : " "
                    + lf.retest() + " retests") + ", " + lf.run() + " " + MINUTE.format(lf.at()) + (lf.detail().injected() ? " (injected)" : ""));
        }
        if (f.ledgerProblem() != null) {
            return new Answer(UNKNOWN, "unknown: core ledger damaged (" + f.ledgerProblem() + ")");
        }
        if (newestUnclear != null) {
            return new Answer(INCONCLUSIVE, "inconclusive: " + (newestUnclear.verdict() == null ? "report unreadable, "
                    : firstReason(f, newestUnclear)) + "run " + when(newestUnclear));
        }
        if (conclusive == null) {
            return new Answer(UNKNOWN, "unknown: no run yet (" + f.from() + ")"
                    + (f.running() != null ? ", one in progress" : ""));
        }
        if (conclusive.verdict().equals("degraded")) {
            return new Answer(OK, "degraded: " + firstReason(f, conclusive) + "run " + when(conclusive));
        }
        if (conclusive.verdict().equals("pass")) {
            return new Answer(OK, "pass: run " + when(conclusive) + " (" + f.from() + ")");
        }
        return new Answer(UNKNOWN, "unknown: verdict " + conclusive.verdict() + " of run " + when(conclusive));
    }

    /**
     * The more severe of two answers (problem, then unknown or inconclusive, then ok); {@code first}
     * on a tie. How the daemon's word and the disk's are joined: an answer from the port can add a
     * problem, never clear one the kept reports show (anyone may listen there while the daemon is down).
     */
    public static Answer worse(Answer first, Answer second) {
        return severity(second) > severity(first) ? second : first;
    }

    private static int severity(Answer a) {
        return a.code() == PROBLEM ? 2 : a.code() == OK ? 0 : 1;
    }

    /** Whether {@code t} is after the run's end; an end that cannot be read is taken as before it. */
    private static boolean after(Instant t, Run r) {
        try {
            return r.end() == null || t.isAfter(Instant.parse(r.end()));
        } catch (java.time.DateTimeException e) {
            return true;
        }
    }

    /**
     * The event rule's answer ({@code kiln check --degraded}): 1 when the newest run was degraded,
     * 0 for anything else, unknown included: node-problem-detector emits an event for every
     * answer but 0 of a temporary rule, and the condition already says fail and unknown.
     */
    public static Answer degraded(Facts f) {
        Run newest = f.runs().isEmpty() ? null : f.runs().get(0);
        if (newest != null && "degraded".equals(newest.verdict())) {
            return new Answer(PROBLEM, "degraded: " + firstReason(f, newest) + "run " + when(newest));
        }
        return new Answer(OK, "not degraded: " + (newest == null ? "no run yet"
                : (newest.verdict() == null ? "unreadable" : newest.verdict()) + ", run " + when(newest)));
    }

    /** "cpu 3 failed fma 10/10 retests, run 2026-12-06T13:31Z", or the first reason when no error is detailed. */
    private static String failure(Facts f, Run r) {
        Map<String, Object> doc = document(f, r);
        if (doc != null && doc.get("errors") instanceof Map<?, ?> errors && errors.get("first") instanceof List<?> first
                && !first.isEmpty() && first.get(0) instanceof Map<?, ?> e) {
            // report schema 3: cpu is a number, or null with the worker's cpus listed where it was not pinned to one
            String where = e.get("cpu") != null ? "cpu " + e.get("cpu") : e.get("cpus") instanceof List<?> cpus && !cpus.isEmpty()
                    ? "cpus " + String.join(",", cpus.stream().map(String::valueOf).toList()) : "a cpu";
            StringBuilder s = new StringBuilder(where + " failed " + e.get("method"));
            if (e.get("retest") instanceof Map<?, ?> retest && retest.get("per_cpu") instanceof List<?> per && !per.isEmpty()
                    && per.get(0) instanceof Map<?, ?> here) {
                s.append(' ').append(here.get("failed")).append('/').append(here.get("runs")).append(" retests");
            }
            if (doc.get("injected_fault") instanceof Map<?, ?>) {
                s.append(" (injected)");
            }
            return s.append(", run ").append(when(r)).toString();
        }
        return firstReason(f, r) + "run " + when(r);
    }

    /** The run's first verdict reason and ", ", or "" when there is none to be had. */
    private static String firstReason(Facts f, Run r) {
        Map<String, Object> doc = document(f, r);
        if (doc != null && doc.get("verdict_reasons") instanceof List<?> reasons && !reasons.isEmpty()) {
            return reasons.get(0) + ", ";
        }
        return "";
    }

    private static Map<String, Object> document(Facts f, Run r) {
        try {
            return f.document() == null ? null : f.document().apply(r.id());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String when(Run r) {
        try {
            return r.end() == null ? r.id() : MINUTE.format(Instant.parse(r.end()));
        } catch (java.time.DateTimeException e) {
            return r.id();
        }
    }

    /**
     * One line of at most {@link #WIDTH} bytes in UTF-8 (node-problem-detector cuts the output at
     * that many bytes): control characters and runs of blanks become one space (a reason comes
     * from a file or a peer), and a longer line is cut at a character's edge and ends in "...".
     */
    static String fit(String text) {
        String one = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (one.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= WIDTH) {
            return one;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < one.length(); ) {
            int cp = one.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > WIDTH - 3) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return out.toString().stripTrailing() + "...";
    }
}
