package kiln.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kiln.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory a run writes to, for the length of the run: created if missing and proven
 * writable, locked against a second kiln (which also sweeps an earlier kiln's leftovers), and on
 * {@link #close} unlocked and removed if this run created it and it is empty again. Nothing at all
 * when the file stressor is off. {@link #close} is idempotent.
 */
final class Workspace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

    private final Path dir;
    private final boolean created;
    private final DirectoryLock lock;
    private boolean closed;

    private Workspace(Path dir, boolean created, DirectoryLock lock) {
        this.dir = dir;
        this.created = created;
        this.lock = lock;
    }

    /** @throws RunSession.CannotRun when the directory is unusable or another kiln holds it */
    static Workspace open(Settings.Files files) throws RunSession.CannotRun {
        if (!files.enabled()) {
            return new Workspace(files.dir(), false, null);
        }
        boolean created = prepareDirectory(files.dir());
        try {
            return new Workspace(files.dir(), created, DirectoryLock.acquire(files.dir(), created));
        } catch (RunSession.CannotRun e) {
            removeIfEmpty(files.dir(), created);
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (lock != null) {
            lock.close();
        }
        removeIfEmpty(dir, created);
    }

    /**
     * Creates the directory if needed and proves it writable.
     *
     * @return whether this run created it (and so may remove it when empty)
     */
    static boolean prepareDirectory(Path dir) throws RunSession.CannotRun {
        boolean created = false;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new RunSession.CannotRun("cannot use " + dir + ": it exists and is not a directory");
        }
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir);
                created = true;
            } catch (IOException e) {
                throw new RunSession.CannotRun("cannot create " + dir + ": " + reason(e));
            }
        }
        Path probe = dir.resolve(".kiln-probe-" + ProcessHandle.current().pid());
        try {
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
        } catch (IOException e) {
            removeIfEmpty(dir, created);
            throw new RunSession.CannotRun("cannot write in " + dir + ": " + reason(e));
        }
        return created;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return m != null && m.contains("Read-only file system") ? "read-only file system" : "permission denied";
        }
        if (m != null && m.contains("Read-only file system")) {
            return "read-only file system";
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static void removeIfEmpty(Path dir, boolean created) {
        if (!created) {
            return;
        }
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.deleteIfExists(dir);
            } else {
                LOG.warn("leaving {}: it is not empty", dir);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.toString());
        }
    }
}
