package kiln.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import kiln.link.FrameReader;
import kiln.link.FrameWriter;
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
    private long deathSeenNanos = -1;
    private final FrameWriter stdin;

    WorkerLife(int id, WorkerProcess process, Path dir, long startedNanos, Listener listener) {
        this.id = id;
        this.listener = listener;
        this.process = process;
        this.dir = dir;
        this.startedNanos = startedNanos;
        this.lastFrameNanos = startedNanos;
        this.stdin = new FrameWriter(process.stdin());
        this.reader = new FrameReader(process.stdout(), why -> LOG.warn("w{}: skipped a malformed frame: {}", id, why));
    }

    long deathSeen(long now) {
        if (deathSeenNanos < 0) {
            deathSeenNanos = now;
        }
        return deathSeenNanos;
    }

    void start(WorkerSpec spec) {
        Threads.daemon("kiln-w" + id + "-stdout", this::drainStdout).start();
        Threads.daemon("kiln-w" + id + "-stderr", this::drainStderr).start();
        send(spec);
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
                System.err.println("w" + id + "| " + line);
            }
        } catch (IOException e) {
            LOG.debug("w{}: stderr closed: {}", id, e.toString());
        }
    }

    void send(Message.ToWorker m) {
        if (!stdin.write(m)) {
            LOG.debug("w{}: cannot send {}: its stdin is closed", id, m);
        }
    }

    void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            LOG.debug("w{}: closing stdin: {}", id, e.toString());
        }
    }
}
