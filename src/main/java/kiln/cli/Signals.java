package kiln.cli;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGINT (Ctrl-C) and SIGTERM: the first asks for a clean stop (workers remove their files, the
 * summary is printed, exit 0); a second one forces: {@code onForce} runs (it kills the workers)
 * and the JVM halts with 130. Handled as signals rather than a shutdown hook so that a clean stop
 * ends with kiln's own exit code, not the signal's.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    static final int EXIT_FORCED = 130;

    private Signals() {
    }

    /**
     * @param onStop  called on the first signal (must return quickly)
     * @param onForce called on the second, before the JVM halts
     */
    static void install(Runnable onStop, Runnable onForce) {
        AtomicInteger count = new AtomicInteger();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (count.incrementAndGet() == 1) {
                        LOG.info("SIG{}: stopping; send it again to force", sig.getName());
                        onStop.run();
                    } else {
                        LOG.warn("SIG{} again: forcing, files may be left behind", sig.getName());
                        try {
                            onForce.run();
                        } finally {
                            Runtime.getRuntime().halt(EXIT_FORCED);
                        }
                    }
                });
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }
}
