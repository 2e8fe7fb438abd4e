package kiln.screen;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import kiln.link.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a finished screen's result goes: the log, in the screener's words, and every listener (the
 * per-core failure ledger). A listener that throws is logged and does not stop the others or the
 * screening thread. Thread-safe: listeners may be added while results are announced.
 */
final class ScreenResults {
    private static final Logger LOG = LoggerFactory.getLogger(Screener.class);

    private final List<Consumer<ScreenResult>> listeners = new CopyOnWriteArrayList<>();

    void onResult(Consumer<ScreenResult> listener) {
        listeners.add(listener);
    }

    /** Logs the result of screening {@code cores} (a fail as an error) and hands it to every listener, on the calling thread. */
    void announce(List<Integer> cores, ScreenResult r) {
        String verdict = r.verdict().outcome().label();
        if (r.verdict().outcome() == Outcome.FAIL) {
            LOG.error("SCREEN FAILED on cpu {}: {}", cores, String.join("; ", r.verdict().reasons()));
        } else {
            LOG.info("screened cpu {}: {}{}", cores, verdict, r.verdict().reasons().isEmpty() ? "" : " (" + String.join("; ", r.verdict().reasons()) + ")");
        }
        for (Consumer<ScreenResult> l : listeners) {
            try {
                l.accept(r);
            } catch (RuntimeException e) {
                LOG.error("a screen listener failed: {}", e.toString(), e);
            }
        }
    }
}
