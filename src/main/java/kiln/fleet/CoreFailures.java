package kiln.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kiln.link.CpuMiscompare;
import kiln.link.Stressor;
import kiln.report.Report;
import kiln.supervisor.VerifyErrorLog;

/**
 * The failures of a run that belong to a core, for the ledger: each CPU method's wrong result on a
 * worker pinned to one cpu (its seed, mask and the retest on that cpu), and each core that
 * disagreed with its siblings in the cross-core check. Memory and file errors are not a core's:
 * they stay in the run's report. Stateless.
 */
public final class CoreFailures {
    private static final Pattern ONE_CPU = Pattern.compile("\\d{1,6}");
    /** How the cross-core check names a core: "cpu 3 (w3)". */
    private static final Pattern DISAGREEING = Pattern.compile("cpu (\\d{1,6}) \\(w\\d+\\)");

    private CoreFailures() {
    }

    /**
     * One wrong result as the ledger keeps it, when it is a core's: a CPU method's, on a worker
     * pinned to one cpu. What a screening burst records its failures with.
     *
     * @param injected whether the run had a fault injected on purpose
     */
    public static Optional<CoreFailure> of(VerifyErrorLog.Entry e, String run, boolean injected) {
        if (e.stressor() != Stressor.CPU || !ONE_CPU.matcher(e.cpus()).matches()
                || !e.method().matches("[a-z0-9][a-z0-9_-]{0,39}")) {
            return Optional.empty();
        }
        CpuMiscompare c = e.cpu();
        CpuMiscompare.Trial here = c == null || c.retest().isEmpty() ? null : c.retest().get(0); // the failing cpu's retest
        CoreFailure.Detail d = new CoreFailure.Detail(c == null ? "-" : Long.toHexString(c.seed()), c == null ? "-" : Long.toHexString(c.mask()),
                here == null ? -1 : here.failed(), here == null ? 0 : here.runs(), injected);
        return Optional.of(new CoreFailure(Instant.ofEpochMilli(e.atMillis()), run, e.cpus(), e.method(), d));
    }

    /**
     * The core failures in {@code report}, recorded as of run {@code run}; a cross-core
     * disagreement is dated {@code end}, when the run that found it ended. In a run with a fault
     * injected on purpose every failure is marked injected: the ledger cannot tell which one it was.
     */
    public static List<CoreFailure> of(Report report, String run, Instant end) {
        boolean injected = report.faultInjected();
        List<CoreFailure> out = new ArrayList<>();
        for (VerifyErrorLog.Entry e : report.findings().errors()) {
            of(e, run, injected).ifPresent(out::add);
        }
        for (String who : report.findings().disagreeing()) {
            Matcher m = DISAGREEING.matcher(who);
            if (m.matches()) {
                out.add(new CoreFailure(end, run, m.group(1), "cross-core", new CoreFailure.Detail("-", "-", -1, 0, injected)));
            }
        }
        return out;
    }
}
