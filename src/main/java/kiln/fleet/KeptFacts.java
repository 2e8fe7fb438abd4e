package kiln.fleet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kiln.report.KeptReport;
import kiln.workspace.FsException;
import kiln.workspace.RunHistory;
import kiln.workspace.WorkspaceException;

/**
 * What {@code kiln check} judges by when the daemon does not answer: the kept reports and the core
 * ledger in {@code <dir>/.kiln-runs}, read without writing anything (the daemon may be alive but
 * slow, saving a report as this reads). Stateless.
 */
public final class KeptFacts {
    private KeptFacts() {
    }

    /**
     * The facts in {@code dir}; empty when it holds no kept reports and no ledger.
     *
     * @param from what to call the source in the line ("kept reports, daemon down")
     * @throws WorkspaceException when the directory is there but cannot be used (a link, not private)
     */
    public static Optional<Check.Facts> read(Path dir, String from) throws WorkspaceException {
        Optional<RunHistory> opened = RunHistory.openExisting(dir);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (RunHistory history = opened.get()) {
            List<Check.Run> runs = new ArrayList<>();
            Map<String, Map<String, Object>> documents = new HashMap<>();
            List<String> ids;
            try {
                ids = history.ids();
            } catch (FsException e) {
                throw new WorkspaceException("cannot list the kept run reports in " + history.path() + ": " + e.getMessage());
            }
            for (int i = ids.size() - 1; i >= 0; i--) {
                String id = ids.get(i);
                try {
                    KeptReport r = KeptReport.parse(history.read(id).orElseThrow(() -> new KeptReport.Unreadable("gone")));
                    runs.add(new Check.Run(id, r.verdict().label(), r.end().toString()));
                    documents.put(id, r.document());
                } catch (KeptReport.Unreadable | FsException | RuntimeException | StackOverflowError e) {
                    runs.add(new Check.Run(id, null, RunHistory.timeOf(id).map(Object::toString).orElse(null)));
                }
            }
            List<LedgerReading.Core> recidivists = List.of();
            String ledgerProblem = null;
            CoreFailure newest = null;
            boolean ledgerThere = false;
            try {
                LedgerReading reading = CoreLedger.read(history.ledger());
                ledgerThere = !reading.failures().isEmpty() || reading.damagedCount() > 0;
                recidivists = reading.recidivists();
                ledgerProblem = reading.damage();
                newest = reading.failures().stream().max(java.util.Comparator.comparing(CoreFailure::at)).orElse(null);
            } catch (FsException e) {
                ledgerThere = true;
                ledgerProblem = e.getMessage();
            }
            if (runs.isEmpty() && !ledgerThere) {
                return Optional.empty();
            }
            return Optional.of(new Check.Facts(from, runs, documents::get, null, recidivists, ledgerProblem, newest));
        }
    }
}
