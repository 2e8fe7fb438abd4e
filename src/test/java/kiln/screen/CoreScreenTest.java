package kiln.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import kiln.config.Settings;
import kiln.link.Outcome;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A screen whose workers cannot start, on a clock that moves as a real one does. */
@Timeout(30)
final class CoreScreenTest {
    @TempDir
    Path dir;

    /** A screen on a clock that moves on every reading and by every wait, as the real one does. */
    private CoreScreen screen(kiln.supervisor.WorkerLauncher launcher) {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        Ticker ticker = Ticker.of(() -> clock.addAndGet(1_000_000L), n -> {
            clock.addAndGet(n);
            Thread.onSpinWait();
        });
        return new CoreScreen(ScreenScheduleTest.settings(1, Duration.ofHours(1), 100, 100), new Settings.Verdict(2, 0, 15),
                launcher, dir, ticker);
    }

    @Test
    void noWorkerStarted_isNotComplete_andTheCoreStaysDue() throws Exception {
        CoreScreen screen = screen(id -> {
            throw new IOException("Cannot run program \"/opt/jdk-old/bin/java\": error=2, No such file or directory");
        });

        ScreenResult r = screen.screen(List.of(0), () -> null);

        assertFalse(r.complete(), "no worker ran: nothing was tested");
        assertEquals(Outcome.INCONCLUSIVE, r.verdict().outcome());
        String reasons = String.join("; ", r.verdict().reasons());
        assertTrue(reasons.contains("no screen worker started (Cannot run program"), reasons);
        ScreenState state = new ScreenState(2, System.currentTimeMillis());
        state.record(r);
        assertEquals(0, state.lastScreened(0), "the core was not screened: it stays due");
        assertEquals(List.of(0), state.nextCores(1), "and the rotation does not move past it");
    }

    @Test
    void aWorkerThatDiedBeforeItsFirstFrame_isChargedItsStart() throws Exception {
        CoreScreen screen = screen(id -> DEAD);

        ScreenResult r = screen.screen(List.of(0), () -> null);

        assertFalse(r.complete());
        assertTrue(r.cpuNanos() >= Screener.WORKER_START_CPU.toNanos(),
                "a JVM started costs its start even with no stats frame: " + r.cpuNanos());
    }

    /** A worker process that exited at once, before saying anything. */
    private static final kiln.supervisor.WorkerProcess DEAD = new kiln.supervisor.WorkerProcess() {
        @Override
        public java.io.OutputStream stdin() {
            return java.io.OutputStream.nullOutputStream();
        }

        @Override
        public java.io.InputStream stdout() {
            return java.io.InputStream.nullInputStream();
        }

        @Override
        public java.io.InputStream stderr() {
            return java.io.InputStream.nullInputStream();
        }

        @Override
        public long pid() {
            return 999_999_999L;
        }

        @Override
        public boolean isAlive() {
            return false;
        }

        @Override
        public int exitValue() {
            return 1;
        }

        @Override
        public boolean waitFor(long timeout, java.util.concurrent.TimeUnit unit) {
            return true;
        }

        @Override
        public void destroy() {
        }

        @Override
        public void destroyForcibly() {
        }
    };
}
