package kiln.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import kiln.link.FrameReader;
import kiln.link.Message;
import kiln.link.WorkerSpec;
import kiln.link.WorkerStats;
import kiln.util.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One life of a worker: its process, the threads that drain its pipes, and what it last said.
 * What it says goes to its {@link Listener} (the slot), tagged with the life, so that a late frame
 * of an ended life can be told from the current one's.
 */
final class WorkerLife {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLife.class);
    /** The time stamp of the supervisor's own log lines (simplelogger.properties). */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /** Told of what a life says, on its drain threads. */
    interface Listener {
        void onMessage(WorkerLife from, Message.FromWorker m);

        void onStderr(String line);
    }

    private final int id;
    private final Listener listener;

    final WorkerProcess process;
    final Path dir;
    final long startedNanos;
    final FrameReader reader;
    volatile WorkerStats latest = WorkerStats.zero();
    /** When the last stats frame arrived (the launch, before any). */
    volatile long lastFrameNanos;
    volatile boolean readerDone;
    volatile boolean byeSeen;
    volatile long filesLeft;
    /** Killed by the supervisor for hanging at start: its death is on its way. */
    volatile boolean killed;
    private long deathSeenNanos = -1;
    private final WorkerStdin stdin;

    /** A life whose first command is {@code spec}; nothing runs until {@link #start}. */
    WorkerLife(int id, WorkerProcess process, WorkerSpec spec, Path dir, long startedNanos, Listener listener) {
        this.id = id;
        this.listener = listener;
        this.process = process;
        this.dir = dir;
        this.startedNanos = startedNanos;
        this.lastFrameNanos = startedNanos;
        this.stdin = new WorkerStdin(id, process.stdin());
        stdin.send(spec);
        this.reader = new FrameReader(process.stdout(), why -> LOG.warn("w{}: skipped a malformed frame: {}", id, why));
    }

    long deathSeen(long now) {
        if (deathSeenNanos < 0) {
            deathSeenNanos = now;
        }
        return deathSeenNanos;
    }

    /** Starts the threads that drain its pipes and write its stdin. */
    void start() {
        stdin.start();
        Threads.daemon("kiln-w" + id + "-stdout", this::drainStdout).start();
        Threads.daemon("kiln-w" + id + "-stderr", this::drainStderr).start();
    }

    private void drainStdout() {
        try {
            Message.FromWorker m;
            while ((m = reader.nextFromWorker()) != null) {
                listener.onMessage(this, m);
            }
        } catch (IOException e) {
            LOG.debug("w{}: stdout closed: {}", id, e.toString());
        } finally {
            readerDone = true;
        }
    }

    private void drainStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.stderr(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                listener.onStderr(line);
                if (jvmNotice(line)) {
                    LOG.debug("w{}: {}", id, line.strip());
                } else {
                    System.err.println(relayed(id, line, LocalTime.now()));
                }
            }
        } catch (IOException e) {
            LOG.debug("w{}: stderr closed: {}", id, e.toString());
        }
    }

    /**
     * What a worker's JVM prints of its own accord that says nothing to an operator: on the first
     * run with an AOT cache, the recording worker's VM tells where it wrote its record (a
     * {@code /proc/<pid>/fd} path, and with a leading space). The supervisor logs the cache it
     * makes of it.
     */
    static boolean jvmNotice(String line) {
        String s = line.strip();
        // the fma cpu method's Vector API is an incubator module: the JVM says so once at start
        return s.startsWith("AOTConfiguration recorded: ") || s.startsWith("WARNING: Using incubator modules:");
    }

    /**
     * A worker's log line as the supervisor prints it: the worker, and the time it arrived. Workers
     * print no time of their own: setting up the logger's date format took 33 ms of each worker's
     * start-up CPU (async-profiler), 0.26 s of 16 workers' start on 2 cores.
     */
    static String relayed(int id, String line, LocalTime at) {
        return "w" + id + "| " + STAMP.format(at) + " " + line;
    }

    /** Queues a command; never blocks (see {@link WorkerStdin}). */
    void send(Message.ToWorker m) {
        stdin.send(m);
    }

    /** SIGTERM, or SIGKILL when {@code force}: for a worker that did not stop when asked. */
    void terminate(boolean force) {
        if (process.isAlive()) {
            LOG.warn("w{}: worker {} did not stop in time; sending {}", id, process.pid(), force ? "SIGKILL" : "SIGTERM");
            if (force) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
        }
    }

    /** Closes its stdin once the commands before are written; never blocks. */
    void closeStdin() {
        stdin.close();
    }
}
