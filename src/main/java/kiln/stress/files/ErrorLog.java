package kiln.stress.files;

import kiln.util.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a repeated failure once, then at most once per interval with how many were not shown,
 * so a full disk yields a few lines, not one per file. Thread-safe.
 */
final class ErrorLog {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final String prefix;
    private final Ticker ticker;
    private long lastLogged;
    private long suppressed;
    private boolean any;

    ErrorLog(Logger log, String prefix, Ticker ticker) {
        this.log = log;
        this.prefix = prefix;
        this.ticker = ticker;
    }

    synchronized void record(String what) {
        long now = ticker.nanoTime();
        if (any && now - lastLogged < INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        String more = suppressed > 0 ? " (and " + suppressed + " more like it in the last "
                + TimeUnit.NANOSECONDS.toSeconds(now - lastLogged) + "s)" : "";
        log.warn("{}{}{}", prefix, what, more);
        any = true;
        lastLogged = now;
        suppressed = 0;
    }
}
