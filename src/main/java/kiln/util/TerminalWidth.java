package kiln.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The width of the terminal kiln draws on, in columns, following a resize. Read with
 * {@code stty size < /dev/tty} (the terminal itself, whatever stdin and stdout are; no native
 * code), again after a SIGWINCH and at least every {@link #REREAD_NANOS} (the signal may be
 * taken by someone else); {@code COLUMNS} when there is no terminal to ask, else 80. Thread-safe.
 */
public final class TerminalWidth {
    /** Read again this often even without SIGWINCH. */
    static final long REREAD_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** Used when nothing says: the width every terminal has at least. */
    public static final int FALLBACK = 80;

    private final Ticker ticker;
    private volatile int columns = -1;
    private volatile long readAt;
    private volatile boolean resized;

    public TerminalWidth(Ticker ticker) {
        this.ticker = ticker;
    }

    /** Makes the next {@link #columns} read the width again (the terminal was resized). */
    public void resized() {
        resized = true;
    }

    /** The terminal's width, read again when stale: runs {@code stty}, so not for a hot path. */
    public int columns() {
        long now = ticker.nanoTime();
        if (columns < 0 || resized || now - readAt > REREAD_NANOS) {
            resized = false;
            readAt = now;
            int read = fromStty();
            columns = read > 0 ? read : read(System.getenv("COLUMNS"));
        }
        return columns;
    }

    /** Follows SIGWINCH where the JVM lets kiln handle it; a refresh every few seconds does otherwise. */
    public TerminalWidth followingResizes() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), sig -> resized());
        } catch (IllegalArgumentException e) {
            // the signal is taken (or unknown here): the periodic read still follows a resize
        }
        return this;
    }

    /** {@code COLUMNS} (or another "rows cols" source's number) as a width, {@link #FALLBACK} when it is none. */
    static int read(String columns) {
        if (columns != null && columns.strip().matches("\\d{1,4}") && Integer.parseInt(columns.strip()) >= 20) {
            return Integer.parseInt(columns.strip());
        }
        return FALLBACK;
    }

    /** The columns of {@code stty size}'s "rows columns", or -1. */
    static int parseSttySize(String out) {
        String[] f = out.strip().split("\\s+");
        if (f.length == 2 && f[1].matches("\\d{1,4}") && Integer.parseInt(f[1]) > 0) {
            return Integer.parseInt(f[1]);
        }
        return -1;
    }

    private static int fromStty() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue() == 0 ? parseSttySize(out) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
