package kiln.supervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import kiln.link.FrameWriter;
import kiln.link.Message;
import kiln.util.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A life's stdin, written by a thread of its own. A worker that stops reading its commands (wedged,
 * stopped, swapping) fills the pipe, and the next write blocks: here it blocks this thread, never
 * the caller, who may hold the slot's monitor that a metrics scrape waits on. Commands go in the
 * order they were given; once {@link #MAX_QUEUED} wait, further ones are dropped and counted (the
 * worker reads none of them anyway). The pipe unblocks when the process ends. Thread-safe.
 */
final class WorkerStdin {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerStdin.class);
    /** Commands that may wait for a worker that reads none: minutes of one-a-second load settings. */
    static final int MAX_QUEUED = 256;
    /** Marks the end: the pipe is closed after what came before it was written. */
    private static final Message.ToWorker CLOSE = new Message.Unknown("close");

    private final int id;
    private final FrameWriter out;
    private final BlockingQueue<Message.ToWorker> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean closed;
    private long dropped;

    WorkerStdin(int id, OutputStream stdin) {
        this.id = id;
        this.out = new FrameWriter(stdin);
    }

    /** Starts the thread that writes; what was sent before waits for it. */
    void start() {
        Threads.daemon("kiln-w" + id + "-stdin", this::write).start();
    }

    /** Queues {@code m} for the worker; never blocks. */
    void send(Message.ToWorker m) {
        if (closed) {
            LOG.debug("w{}: cannot send {}: its stdin is closed", id, m);
            return;
        }
        if (waiting.incrementAndGet() > MAX_QUEUED) {
            waiting.decrementAndGet();
            droppedOne(m);
            return;
        }
        queue.add(m);
    }

    private synchronized void droppedOne(Message.ToWorker m) {
        if (dropped++ == 0) {
            LOG.warn("w{}: the worker reads no commands ({} wait for it): dropping {} and any more until it reads", id, MAX_QUEUED, m);
        }
    }

    /** Commands dropped because the worker read none. */
    synchronized long dropped() {
        return dropped;
    }

    /** Closes the pipe once what was sent is written: the worker reads end of stream (stop now). Never blocks. */
    void close() {
        if (!closed) {
            closed = true;
            queue.add(CLOSE);
        }
    }

    private void write() {
        try {
            for (Message.ToWorker m = queue.take(); m != CLOSE; m = queue.take()) {
                waiting.decrementAndGet();
                if (!out.write(m)) {
                    LOG.debug("w{}: cannot send {}: its stdin is closed", id, m);
                }
            }
            out.close();
        } catch (IOException e) {
            LOG.debug("w{}: closing stdin: {}", id, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
