package kiln.report;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import kiln.config.Durations;
import kiln.util.Sizes;
import kiln.link.WorkerStats;
import kiln.sampler.HardwareSampler;
import kiln.sampler.HostSample;
import kiln.supervisor.RunMonitor;
import kiln.supervisor.WorkerPool;
import kiln.supervisor.WorkerView;

/**
 * The live status line of {@code kiln run}: redrawn in place on a terminal, printed as a new line
 * every few seconds otherwise (logs, CI), so neither floods.
 */
public final class Console {
    private static final long PLAIN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PrintWriter out;
    private final boolean tty;
    private final Duration total;
    private final WorkerPool pool;
    private final HardwareSampler sampler;
    private final RunMonitor monitor;
    private final kiln.util.Ticker ticker;
    private long lastPlain;
    /** The live line is on screen (tty only), and what it says. */
    private boolean lineOpen;
    private String lastLine;

    public Console(PrintWriter out, boolean tty, Duration total, WorkerPool pool, HardwareSampler sampler, RunMonitor monitor,
                   kiln.util.Ticker ticker) {
        this.ticker = ticker;
        this.lastPlain = ticker.nanoTime();
        this.out = out;
        this.tty = tty;
        this.total = total;
        this.pool = pool;
        this.sampler = sampler;
        this.monitor = monitor;
    }

    public void update(Duration elapsed) {
        if (!tty && ticker.nanoTime() - lastPlain < PLAIN_EVERY_NANOS) {
            return;
        }
        lastPlain = ticker.nanoTime();
        String line = line(elapsed);
        synchronized (this) {
            if (tty) {
                lastLine = line;
                draw();
            } else {
                out.println(line);
            }
            out.flush();
        }
    }

    private void draw() {
        out.print("\r" + lastLine + "\033[K");
        out.flush();
        lineOpen = true;
    }

    public synchronized void finishLine() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
        lastLine = null;
    }

    /** What {@link #sharingTheTerminal} gives back: closing it restores stderr. */
    public interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * On a terminal, makes stderr (the log, and workers' messages passed on) share the screen with
     * the live line: each write first erases the line, and once the write ends a line the live line
     * is drawn again below it. A log line never lands on the end of the status line. Elsewhere
     * (logs, CI) nothing changes. The logger reads {@code System.err} on every line
     * (simplelogger's {@code logFile=System.err}, not cached), so replacing it is enough.
     */
    public Restore sharingTheTerminal() {
        if (!tty) {
            return () -> { };
        }
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (Console.this) {
                    if (lineOpen) {
                        out.print("\r\033[K");
                        out.flush();
                        lineOpen = false;
                    }
                    original.write(b, off, len);
                    original.flush();
                    if (len > 0 && b[off + len - 1] == '\n' && lastLine != null) {
                        draw();
                    }
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8));
        return () -> System.setErr(original);
    }

    String line(Duration elapsed) {
        List<WorkerView> views = pool.workers(); // one set of views per draw
        long running = views.stream().filter(w -> w.state() == kiln.supervisor.WorkerState.RUNNING).count();
        long restarts = views.stream().mapToLong(WorkerView::restarts).sum();
        return line(new Progress(elapsed, total, pool.totals(), sampler.latest(), running, pool.size(), restarts,
                monitor.filesPerSecond(), monitor.memoryBytesPerSecond(), monitor.ramping() ? monitor.load() : Double.NaN,
                monitor.ready()));
    }

    /**
     * What the status line shows, read at one moment.
     *
     * @param host     the latest hardware reading, or null before the first
     * @param rampLoad the load the ramp holds now, NaN when not ramping
     */
    record Progress(Duration elapsed, Duration total, WorkerStats totals, HostSample host, long running, int workers,
                    long restarts, double filesPerSecond, double memoryBytesPerSecond, double rampLoad, boolean ready) {
    }

    /** The status line for {@code p}: one line, the parts a run does not have left out. */
    static String line(Progress p) {
        WorkerStats t = p.totals();
        HostSample h = p.host();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "[%s/%s] files %s/s (%s kept)", Durations.format(p.elapsed()),
                Durations.format(p.total()), compact(p.filesPerSecond()), compact(t.files().kept())));
        if (h != null) {
            sb.append(String.format(Locale.ROOT, " | cpu %.0f%% | mem %s/%s", h.cpu().load() * 100,
                    Sizes.human(h.memory().usedBytes()), Sizes.human(h.memory().totalBytes())));
            if (!Double.isNaN(h.cpu().temperatureC())) {
                sb.append(String.format(Locale.ROOT, " | %.0f°C", h.cpu().temperatureC()));
            }
        }
        sb.append(String.format(Locale.ROOT, " | workers %d/%d | errors %d io, %d verify", p.running(), p.workers(),
                t.ioErrors(), WorkerStats.total(t.verifyErrors())));
        if (t.memoryBytes() > 0) {
            sb.append(String.format(Locale.ROOT, " | ram %s/s", Sizes.human(p.memoryBytesPerSecond())));
        }
        if (!Double.isNaN(p.rampLoad())) {
            sb.append(" | ramp ").append(p.rampLoad()).append('%');
        }
        sb.append(p.ready() ? " | READY" : "");
        if (t.files().paused()) {
            sb.append(" | PAUSED: free space or inodes at floor");
        }
        if (p.restarts() > 0) {
            sb.append(" | restarts ").append(p.restarts());
        }
        return sb.toString();
    }

    private static String compact(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
