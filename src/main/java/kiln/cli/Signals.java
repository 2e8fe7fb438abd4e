package kiln.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGINT (Ctrl-C) and SIGTERM: the first asks for a clean stop (workers remove their files, the
 * summary is printed, kiln's own exit code); a second one forces: {@code onForce} runs (it kills
 * the workers) and the JVM halts with 130. Handled as signals rather than a shutdown hook so that
 * a clean stop ends with kiln's own exit code, not the signal's.
 *
 * <p>The handlers are installed first thing ({@link #early}), before the command line is parsed
 * and the configuration read: until then the JVM's own handling ruled, and a SIGTERM in the
 * first few hundred milliseconds of {@code kiln run} ended it with 143 and no summary. A signal
 * that comes before the run can be stopped is kept and delivered the moment it can
 * ({@link #install}): the run is then cut short at once, with its summary and exit 5.
 *
 * <p>SIGHUP (the terminal of a foreground {@code kiln run} hung up: an ssh session dropped) is a
 * stop like SIGTERM for a run. The JVM's own way with it was to exit at once, and the workers, in
 * the same process group, died with it and left every file they had made. A daemon, like other
 * daemons, does not stop on it: it has nothing to reload either, since it reads its configuration
 * file again for every run, and says so.
 */
final class Signals {
    static final int EXIT_FORCED = 130;

    /** The stop and the force, once {@link #install} names them; null before. Guarded by {@code Signals.class}. */
    private static Runnable onStop;
    private static Runnable onForce;
    /** The signal that came before {@link #install}, or null. Guarded by {@code Signals.class}. */
    private static String pending;
    private static boolean installed;
    /** Signals received so far. Guarded by {@code Signals.class}. */
    private static int count;

    private Signals() {
    }

    /** Loaded on first use: slf4j's start-up is not paid before the handlers are in place. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Signals.class);
    }

    /** What a hangup does. */
    enum Hangup {
        /** a stop, as SIGTERM: {@code kiln run} */
        STOPS,
        /** logged, nothing else: {@code kiln daemon} */
        IGNORED
    }

    /**
     * Takes the signals now, before anything else runs; a signal is kept until {@link #install}
     * says what it does. Idempotent.
     */
    static synchronized void early(Hangup hangup) {
        if (installed) {
            return;
        }
        installed = true;
        if (hangup == Hangup.IGNORED) {
            try {
                Signal.handle(new Signal("HUP"), sig -> Log.LOG.info("SIGHUP: nothing to reload (the configuration file is read again"
                        + " for every run); SIGTERM stops the daemon"));
            } catch (IllegalArgumentException e) {
                // no SIGHUP here: nothing to ignore
            }
        }
        for (String name : hangup == Hangup.STOPS ? new String[] {"INT", "TERM", "HUP"} : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), Signals::received);
            } catch (IllegalArgumentException e) {
                // the platform has no such signal, or the JVM keeps it (-Xrs): its own handling stays
            }
        }
    }

    private static void received(Signal sig) {
        Runnable stop;
        Runnable force;
        int n;
        synchronized (Signals.class) {
            stop = onStop;
            force = onForce;
            n = ++count;
            if (n == 1 && stop == null) {
                pending = sig.getName(); // delivered by install
                return;
            }
        }
        if (n == 1) {
            Log.LOG.info("SIG{}: stopping; send it again to force", sig.getName());
            stop.run();
            return;
        }
        Log.LOG.warn("SIG{} again: forcing, files may be left behind", sig.getName());
        try {
            if (force != null) {
                force.run();
            }
        } finally {
            Runtime.getRuntime().halt(EXIT_FORCED);
        }
    }

    /**
     * Says what the signals do from now on, installing the handlers if {@link #early} did not; a
     * signal that came before is acted on now.
     *
     * @param onStop  called on the first signal (must return quickly)
     * @param onForce called on the second, before the JVM halts
     * @param hangup  whether SIGHUP stops
     */
    static void install(Runnable onStop, Runnable onForce, Hangup hangup) {
        early(hangup);
        ignoredAtStart().ifPresent(System.err::println);
        String before;
        synchronized (Signals.class) {
            Signals.onStop = onStop;
            Signals.onForce = onForce;
            before = pending;
            pending = null;
        }
        if (before != null) {
            Log.LOG.info("SIG{} during start-up: stopping; send it again to force", before);
            onStop.run();
        }
    }

    /**
     * What to tell the operator when kiln was started with SIGINT ignored (a background job of a
     * script, {@code cmd &}, and what it starts): the JVM cannot take back an ignored SIGINT, so
     * Ctrl-C does nothing, and the operator should know before pressing it. Read from
     * {@code /proc/self/status}; empty where that cannot be read or SIGINT is not ignored.
     */
    static java.util.Optional<String> ignoredAtStart() {
        try {
            return ignoredNotice(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status")), ProcessHandle.current().pid());
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The notice for a {@code /proc/<pid>/status} text whose SigIgn mask has SIGINT (bit 2: mask 0x2). */
    static java.util.Optional<String> ignoredNotice(String procStatus, long pid) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("SigIgn:")) {
                String hex = line.substring("SigIgn:".length()).strip();
                if (!hex.matches("[0-9a-fA-F]{1,16}") || (Long.parseUnsignedLong(hex, 16) & 0x2L) == 0) {
                    return java.util.Optional.empty();
                }
                return java.util.Optional.of("kiln: SIGINT is ignored (started in the background by a script or its caller):"
                        + " Ctrl-C cannot stop this run; stop it with SIGTERM: kill " + pid);
            }
        }
        return java.util.Optional.empty();
    }
}
