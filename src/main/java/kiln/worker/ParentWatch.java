package kiln.worker;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import kiln.link.WorkerSpec;
import kiln.util.Ticker;

/**
 * Notices the supervisor's death even when stdin stays open (it always closes, but be sure):
 * every half second, whether the parent process is alive and is still the same process (its start
 * time, so a reused pid does not count).
 */
final class ParentWatch implements Runnable {
    static final long POLL_MS = 500;
    private final WorkerSpec.Parent parent;
    private final BooleanSupplier running;
    private final Consumer<String> gone;
    private final Ticker ticker;

    /**
     * @param running whether to keep watching
     * @param gone    told why, once, when the parent is gone
     * @param ticker  waits between looks
     */
    ParentWatch(WorkerSpec.Parent parent, BooleanSupplier running, Consumer<String> gone, Ticker ticker) {
        this.ticker = ticker;
        this.parent = parent;
        this.running = running;
        this.gone = gone;
    }

    @Override
    public void run() {
        if (parent.pid() <= 0) {
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(parent.pid());
        while (running.getAsBoolean()) {
            if (!alive(handle)) {
                gone.accept("supervisor " + parent.pid() + " is gone");
                return;
            }
            ticker.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(POLL_MS));
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private boolean alive(Optional<ProcessHandle> handle) {
        return handle.isPresent() && handle.get().isAlive()
                && (parent.startMs() == 0 || handle.get().info().startInstant()
                .map(Instant::toEpochMilli).map(ms -> Math.abs(ms - parent.startMs()) < 2000).orElse(true));
    }
}
