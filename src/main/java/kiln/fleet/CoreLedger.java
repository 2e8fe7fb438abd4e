package kiln.fleet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import kiln.workspace.FsException;
import kiln.workspace.LedgerFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-core failure ledger beside the kept reports: every wrong result a core gave, appended
 * and synced as it is recorded, read back whole when the daemon starts, so that a core's record
 * outlives runs and restarts. What runs and screening bursts write to ({@link #record}); what the
 * daemon's {@code /api/v1/cores}, {@code kiln_core_failures_total{cpu}} and {@code kiln check}
 * read ({@link #reading}). A ledger that cannot be read or written is a {@link #problem}, never a
 * clean record. Thread-safe.
 */
public final class CoreLedger {
    private static final Logger LOG = LoggerFactory.getLogger(CoreLedger.class);

    private final LedgerFile file;
    private volatile LedgerReading reading;
    /** {@link LedgerReading#failuresByCpu} of {@link #reading}, counted once per change: a scrape reads it per core. */
    private volatile java.util.Map<String, Long> failuresByCpu;
    /** Why the ledger cannot be read, or the last record could not be written; null when all is well. */
    private volatile String problem;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private CoreLedger(LedgerFile file, LedgerReading reading, String problem) {
        this.file = file;
        this.reading = reading;
        this.failuresByCpu = reading.failuresByCpu();
        this.problem = problem;
    }

    /** Opens the ledger in {@code file} and reads what it holds; a damaged or unreadable ledger is logged and is a {@link #problem}. */
    public static CoreLedger open(LedgerFile file) {
        LedgerReading r;
        String problem;
        try {
            r = read(file);
            problem = r.damage() == null ? null : r.damage() + " (" + file.path() + ")"; // the why first: kiln check keeps 80 bytes
        } catch (FsException e) {
            r = LedgerReading.EMPTY;
            problem = "cannot read the core ledger: " + e.getMessage();
        }
        if (problem != null) {
            LOG.error("{}", problem);
        } else if (!r.failures().isEmpty()) {
            LOG.info("core ledger {}: {} failures on {} cores, recidivist: {}", file.path(), r.failures().size(), r.cores().size(),
                    r.recidivists().isEmpty() ? "none" : String.join(", ", r.recidivists().stream().map(c -> "cpu " + c.cpu()).toList()));
        }
        return new CoreLedger(file, r, problem);
    }

    /** What the ledger in {@code file} holds now, for a reader that does not write ({@code kiln check}). */
    public static LedgerReading read(LedgerFile file) throws FsException {
        return file.read().map(c -> LedgerReading.of(c.bytes(), c.cut())).orElse(LedgerReading.EMPTY);
    }

    /** Records one failure: see {@link #record(List)}. */
    public void record(CoreFailure failure) {
        record(List.of(failure));
    }

    /**
     * Appends {@code failures} and syncs them. When they cannot be written (the disk, the size
     * limit), they still count in this daemon's {@link #reading} and the ledger has a
     * {@link #problem} until a later record is written.
     */
    public void record(List<CoreFailure> failures) {
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        synchronized (this) {
            if (reading.failures().isEmpty() && reading.damagedCount() == 0) {
                lines.append(CoreFailure.HEADER);
            }
            failures.forEach(f -> lines.append(f.line()));
            try {
                file.append(lines.toString().getBytes(StandardCharsets.UTF_8));
                if (problem != null && problem.startsWith("cannot record")) {
                    problem = null;
                }
            } catch (FsException e) {
                problem = "cannot record " + failures.size() + (failures.size() == 1 ? " failure" : " failures") + " in the core ledger: "
                        + e.getMessage();
                LOG.error("{}", problem);
            }
            reading = reading.plus(failures);
            failuresByCpu = reading.failuresByCpu();
        }
        for (CoreFailure f : failures) {
            LOG.warn("core ledger: {}", f);
        }
        listeners.forEach(Runnable::run);
    }

    /** What the ledger holds (and what this daemon recorded and could not write). */
    public LedgerReading reading() {
        return reading;
    }

    /** Wrong results recorded per cpu number (unmodifiable). */
    public java.util.Map<String, Long> failuresByCpu() {
        return failuresByCpu;
    }

    /** Why the ledger cannot be trusted whole, or null. */
    public String problem() {
        return problem;
    }

    /** Where the ledger is. */
    public String path() {
        return file.path();
    }

    /** Calls {@code r} after each record (a meter registers a core that failed for the first time). */
    public void onRecord(Runnable r) {
        listeners.add(r);
    }
}
