package kiln.worker;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import kiln.link.FrameReader;
import kiln.link.FrameWriter;
import kiln.link.MalformedFrameException;
import kiln.link.WorkerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of a worker JVM, started by the supervisor. Reads a {@code start} frame on stdin,
 * runs the stressors, writes stats frames to stdout and its log to stderr. End of stdin, a
 * {@code stop} frame or the death of the supervisor stops it; it then removes its files and exits.
 * Exit status: 0 stopped normally, 2 no valid start frame, 3 the stressors could not start.
 */
public final class WorkerMain {
    static final int EXIT_OK = 0;
    static final int EXIT_BAD_START = 2;
    static final int EXIT_CANNOT_RUN = 3;

    private WorkerMain() {
    }

    /**
     * Ctrl-C in a terminal sends SIGINT to the whole process group, workers included, and a
     * terminal that hangs up (an ssh session dropped) sends SIGHUP. A worker that died of either
     * would skip its own cleanup (a hangup left 9,330 files of a 5 s run behind, and the supervisor
     * died with it before it could sweep them). The supervisor got the same signal and stops
     * every worker through the link, so a worker ignores both; if the supervisor is gone, the end
     * of stdin stops the worker just the same.
     */
    private static void ignoreInterrupt(Logger log) {
        for (String name : new String[] {"INT", "HUP"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_IGN);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                log.debug("cannot ignore SIG{}: {}", name, e.toString());
            }
        }
    }

    /** What a worker asks of the kernel's OOM killer: take it before anything else (the most a process may ask). */
    static final String OOM_SCORE_ADJ = "1000";

    /**
     * Out of memory, the kernel kills a worker first: before the host's own services (kiln is the
     * load on a machine that matters, and a worker is what it can lose) and before kiln's
     * supervisor, which then still restarts the worker and reports the kill (the verdict is
     * inconclusive) instead of dying with no summary. Raising one's own score needs no privilege;
     * where {@code /proc} says no, the worker runs on and says so.
     */
    static void firstForTheOomKiller(Logger log) {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/self/oom_score_adj"), OOM_SCORE_ADJ);
        } catch (java.io.IOException | RuntimeException e) {
            log.info("the OOM killer is not told to take this worker first: {}", e.toString());
        }
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        // the supervisor stamps each line it relays (WorkerLife.relayed): a date format's set-up was
        // 33-37 ms of a worker's start-up CPU (simplelogger.properties names none, kiln.cli.Main sets
        // it for the supervisor), and looking the provider up on the class path 11 ms
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "false");
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN"); // no "loading the provider named" line
        // stdout carries frames only: anything else that prints goes to the log
        OutputStream frames = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        Logger log = LoggerFactory.getLogger(WorkerMain.class);
        ignoreInterrupt(log);
        firstForTheOomKiller(log);

        FrameReader commands = new FrameReader(System.in, why -> log.warn("skipped a malformed command: {}", why));
        WorkerSpec spec;
        try {
            spec = commands.nextStart();
            if (spec == null) {
                System.exit(EXIT_OK); // supervisor went away before starting us
                return;
            }
        } catch (IOException | MalformedFrameException e) {
            log.error("no valid start frame: {}", e.getMessage());
            System.exit(EXIT_BAD_START);
            return;
        }
        int status = new Worker(spec, commands, new FrameWriter(frames), kiln.util.Ticker.SYSTEM).run();
        System.exit(status);
    }
}
