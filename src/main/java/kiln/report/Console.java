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
 * The live status line of {@code kiln run}: redrawn in place on a terminal, fitted to its width
 * (the most important parts kept, following a resize), printed whole as a new line every few
 * seconds otherwise (logs, CI), so neither floods.
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
    /** The terminal's width, on a terminal; null otherwise (a log line is not cut). */
    private final kiln.util.TerminalWidth width;
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
        this.width = tty ? new kiln.util.TerminalWidth(ticker).followingResizes() : null;
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
        return line(Progress.at(elapsed, total).totals(pool.totals()).host(sampler.latest()).workers(running, pool.size(), restarts)
                .rates(monitor.filesPerSecond(), monitor.memoryBytesPerSecond())
                .warmup(monitor.ramping() ? monitor.load() : Double.NaN, monitor.ready()).build(), width == null ? Integer.MAX_VALUE : width.columns());
    }

    /** The status line for {@code p}, whole: every part the run has. */
    static String line(Progress p) {
        return fit(parts(p), Integer.MAX_VALUE);
    }

    /** The status line for {@code p} fitted to {@code columns}: see {@link #fit}. */
    static String line(Progress p, int columns) {
        return fit(parts(p), columns);
    }

    /**
     * One part of the status line.
     *
     * @param rank  how soon it goes when the line is too wide: the highest rank first
     * @param text  what it says
     * @param glued joined to the part before with a space, not a bar ("(1.5k kept)" after the files rate)
     * @param brief what it says when even the parts of rank 1 do not fit
     */
    record Part(int rank, String text, boolean glued, String brief) {
        Part(int rank, String text) {
            this(rank, text, false, text);
        }

        Part(int rank, String text, boolean glued) {
            this(rank, text, glued, text);
        }

        Part briefly() {
            return new Part(rank, brief, glued, brief);
        }
    }

    /** The parts of the status line, in the order shown; the parts a run does not have left out. */
    static List<Part> parts(Progress p) {
        WorkerStats t = p.totals();
        HostSample h = p.host();
        List<Part> parts = new java.util.ArrayList<>();
        parts.add(new Part(0, String.format(Locale.ROOT, "[%s/%s] files %s/s", Durations.format(p.time().elapsed()),
                Durations.format(p.time().total()), compact(p.rates().filesPerSecond()))));
        parts.add(new Part(7, "(" + compact(t.files().kept()) + " kept)", true));
        if (h != null) {
            parts.add(new Part(3, String.format(Locale.ROOT, "cpu %.0f%%", h.cpu().load() * 100)));
            parts.add(new Part(6, "host mem " + Sizes.human(h.memory().usedBytes()) + "/" + Sizes.human(h.memory().totalBytes())));
            if (!Double.isNaN(h.cpu().temperatureC())) {
                parts.add(new Part(5, String.format(Locale.ROOT, "%.0f°C", h.cpu().temperatureC())));
            }
        }
        parts.add(new Part(2, String.format(Locale.ROOT, "workers %d/%d", p.workers().running(), p.workers().count())));
        parts.add(new Part(1, String.format(Locale.ROOT, "errors %d io, %d verify", t.ioErrors(), WorkerStats.total(t.verifyErrors()))));
        if (t.memoryBytes() > 0) {
            parts.add(new Part(4, "ram " + Sizes.human(p.rates().memoryBytesPerSecond()) + "/s"));
        }
        if (!Double.isNaN(p.warmup().rampLoad())) {
            parts.add(new Part(3, String.format(Locale.ROOT, "ramp %.0f%%", p.warmup().rampLoad())));
        }
        if (p.warmup().ready()) {
            parts.add(new Part(1, "READY"));
        }
        if (t.files().paused()) {
            parts.add(new Part(1, "PAUSED: free space or inodes at floor", false, "PAUSED (floor)"));
        }
        if (p.workers().restarts() > 0) {
            parts.add(new Part(2, "restarts " + p.workers().restarts()));
        }
        return parts;
    }

    /**
     * The parts joined, shortened to fit {@code columns - 1} characters (a line as wide as the
     * terminal makes some terminals wrap on the last column, and a wrapped line leaves a row behind
     * at every redraw): the parts of the highest rank go first, the last of them first; before a
     * part of rank 1 goes, every part takes its brief words; what still does not fit is cut with an
     * ellipsis.
     */
    static String fit(List<Part> parts, int columns) {
        int room = columns == Integer.MAX_VALUE ? columns : Math.max(10, columns - 1);
        List<Part> kept = new java.util.ArrayList<>(parts);
        String line = join(kept);
        boolean brief = false;
        while (line.length() > room) {
            int drop = -1;
            for (int i = 0; i < kept.size(); i++) {
                if (kept.get(i).rank() > 0 && (drop < 0 || kept.get(i).rank() >= kept.get(drop).rank())) {
                    drop = i;
                }
            }
            if (!brief && (drop < 0 || kept.get(drop).rank() <= 1)) {
                brief = true; // the essentials in their brief words before any of them goes
                kept.replaceAll(Part::briefly);
                line = join(kept);
                continue;
            }
            if (drop < 0) {
                return line.substring(0, room - 1) + "…";
            }
            kept.remove(drop);
            line = join(kept);
        }
        return line;
    }

    private static String join(List<Part> parts) {
        StringBuilder sb = new StringBuilder();
        for (Part part : parts) {
            if (sb.length() > 0) {
                sb.append(part.glued() ? " " : " | ");
            }
            sb.append(part.text());
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
