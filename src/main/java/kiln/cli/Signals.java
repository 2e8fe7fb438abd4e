package kiln.cli;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGINT (Ctrl-C) and SIGTERM: the first asks for a clean stop (workers remove their files, the
 * summary is printed, kiln's own exit code); a second one forces: {@code onForce} runs (it kills
 * the workers) and the JVM halts with 130. Handled as signals rather than a shutdown hook so that
 * a clean stop ends with kiln's own exit code, not the signal's.
 *
 * <p>SIGHUP (the terminal of a foreground {@code kiln run} hung up: an ssh session dropped) is a
 * stop like SIGTERM for a run. The JVM's own way with it was to exit at once, and the workers, in
 * the same process group, died with it and left every file they had made. A daemon, like other
 * daemons, does not stop on it: it has nothing to reload either, since it reads its configuration
 * file again for every run, and says so.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    static final int EXIT_FORCED = 130;

    private Signals() {
    }

    /** What a hangup does. */
    enum Hangup {
        /** a stop, as SIGTERM: {@code kiln run} */
        STOPS,
        /** logged, nothing else: {@code kiln daemon} */
        IGNORED
    }

    /**
     * @param onStop  called on the first signal (must return quickly)
     * @param onForce called on the second, before the JVM halts
     * @param hangup  whether SIGHUP stops
     */
    static void install(Runnable onStop, Runnable onForce, Hangup hangup) {
        if (hangup == Hangup.IGNORED) {
            try {
                Signal.handle(new Signal("HUP"), sig -> LOG.info("SIGHUP: nothing to reload (the configuration file is read again for"
                        + " every run); SIGTERM stops the daemon"));
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIGHUP: {}", e.getMessage());
            }
        }
        AtomicInteger count = new AtomicInteger();
        for (String name : hangup == Hangup.STOPS ? new String[] {"INT", "TERM", "HUP"} : new String[] {"INT", "TERM"}) {
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
