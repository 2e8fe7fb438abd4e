package kiln.screen;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import kiln.workspace.FsException;
import kiln.workspace.RunHistory;
import kiln.workspace.WorkspaceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The screening state on disk: {@code screening.json} beside the kept run reports, under the same
 * rules (kiln's private directory, a plain file read without following links, replaced whole and
 * synced). A state that cannot be read is not trusted in part: screening starts over, and says
 * so in the log and in {@link #problem()}. Thread-safe (RunHistory is).
 */
final class ScreenStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenStore.class);
    static final String FILE = "screening.json";

    private final RunHistory history;
    private volatile String problem;
    /** Set by {@link #close}: a screen that ends later (its thread outlived the join) keeps nothing. */
    private boolean closed;

    private ScreenStore(RunHistory history, String problem) {
        this.history = history;
        this.problem = problem;
    }

    /** Opens the kept reports' directory under {@code dir}; when it cannot be used, the state lives in memory only. */
    static ScreenStore open(Path dir) {
        try {
            return new ScreenStore(RunHistory.open(dir), null);
        } catch (WorkspaceException e) {
            String why = "cannot keep the screening state: " + e.getMessage() + "; a restart starts the rotation over";
            LOG.error("{}", why);
            return new ScreenStore(null, why);
        }
    }

    /** The kept state fitted to {@code cores}, or a new one (since {@code nowMillis}) when there is none or it is unreadable. */
    ScreenState load(java.util.List<Integer> cores, long nowMillis) {
        if (history == null) {
            return new ScreenState(cores, nowMillis);
        }
        Optional<String> text;
        try {
            text = history.readState(FILE);
        } catch (FsException e) {
            return startOver(cores, nowMillis, "cannot be read: " + e.getMessage());
        }
        if (text.isEmpty()) {
            return new ScreenState(cores, nowMillis);
        }
        try {
            if (kiln.util.Json.depth(text.get(), 8) > 8) {
                throw new IllegalArgumentException("nested deeper than kiln writes it");
            }
            Map<String, Object> doc = com.typesafe.config.ConfigFactory.parseString(text.get(),
                    com.typesafe.config.ConfigParseOptions.defaults().setSyntax(com.typesafe.config.ConfigSyntax.JSON)).root().unwrapped();
            return ScreenState.fromMap(doc, cores);
        } catch (RuntimeException e) {
            return startOver(cores, nowMillis, "not a screening state kiln wrote (" + e.getMessage() + ")");
        }
    }

    private ScreenState startOver(java.util.List<Integer> cores, long nowMillis, String why) {
        problem = history.path() + "/" + FILE + " " + why + ": screening starts over, every core unscreened";
        LOG.error("{}", problem);
        return new ScreenState(cores, nowMillis);
    }

    /**
     * Keeps {@code state} (a {@link ScreenState#toMap}); a failure of any kind is logged and shown
     * in {@link #problem()} until a save succeeds, never thrown: the screening thread goes on.
     * Nothing is kept once closed.
     */
    synchronized void save(Map<String, Object> state) {
        if (history == null || closed) {
            return;
        }
        try {
            history.replaceState(FILE, kiln.report.JsonText.pretty(state));
            problem = null;
        } catch (FsException | RuntimeException e) {
            problem = "cannot keep the screening state in " + history.path() + "/" + FILE + " (" + (e instanceof FsException
                    ? e.getMessage() : e.toString()) + "): a restart would start the rotation over";
            LOG.error("{}", problem);
        }
    }

    /** Why the state was not kept or not read back, or null. */
    String problem() {
        return problem;
    }

    /** Waits for a save in progress; later saves keep nothing. */
    @Override
    public synchronized void close() {
        closed = true;
        if (history != null) {
            history.close();
        }
    }
}
