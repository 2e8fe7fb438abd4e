package kiln.screen;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import kiln.supervisor.WorkerLauncher;
import kiln.supervisor.WorkerProcess;

/**
 * A screen's launcher, counting: which workers were launched (each costs its JVM start even when
 * killed before its first stats frame, so the duty cap charges it) and why the last launch
 * failed (a screen that cannot start says why). Thread-safe: the pool's slots launch.
 */
final class ScreenLaunches implements WorkerLauncher {
    private final WorkerLauncher launcher;
    private final ConcurrentHashMap<Integer, AtomicInteger> launched = new ConcurrentHashMap<>();
    private volatile String failure;

    ScreenLaunches(WorkerLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public WorkerProcess launch(int id) throws IOException {
        try {
            WorkerProcess p = launcher.launch(id);
            launched.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return p;
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            throw e;
        }
    }

    @Override
    public void runEnded() {
        launcher.runEnded();
    }

    /** Processes started for worker {@code id}. */
    int launched(int id) {
        AtomicInteger n = launched.get(id);
        return n == null ? 0 : n.get();
    }

    /** Why the last launch failed, or null. */
    String failure() {
        return failure;
    }
}
