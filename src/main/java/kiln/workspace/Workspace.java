package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory a run writes to, for the length of the run: made if missing, opened by
 * descriptor (not through a link at its own name), proven writable with a probe file, locked
 * against a second kiln (which makes sweeping an earlier kiln's leftovers safe), and on
 * {@link #close} unlocked and removed if this run made it and it is empty again. Nothing at
 * all when the file stressor is off. {@link #close} is idempotent.
 */
public final class Workspace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);
    private static final int PROBE_TRIES = 3;
    /** {@code -Dkiln.class-data=false} starts workers without the class-data archive. */
    public static final String CLASS_DATA_PROPERTY = "kiln.class-data";

    private final Path dir;
    private final boolean made;
    private final SecureDir root;
    private final DirectoryLock lock;
    /** Names (relative to the directory) where a link or foreign entry stood instead of kiln's own: each counted once. */
    private final java.util.Set<String> tampered = new java.util.TreeSet<>();
    private final ClassDataCache classData;
    private boolean closed;

    private Workspace(Path dir, boolean made, SecureDir root, DirectoryLock lock, java.util.Collection<String> tampered,
                      ClassDataCache classData) {
        this.classData = classData;
        this.dir = dir;
        this.made = made;
        this.root = root;
        this.lock = lock;
        this.tampered.addAll(tampered);
    }

    /** A workspace that holds nothing: the file stressor is off. */
    public static Workspace none(Path dir) {
        return new Workspace(dir, false, null, null, java.util.List.of(), null);
    }

    /**
     * Makes (if missing), opens, probes and locks {@code dir}, then sweeps what an earlier kiln left.
     *
     * @throws WorkspaceException when the directory is unusable or another kiln holds it
     */
    public static Workspace open(Path dir) throws WorkspaceException {
        Path abs = dir.toAbsolutePath().normalize();
        boolean made = make(abs);
        SecureDir root = null;
        try {
            root = SecureDir.openRoot(abs);
            java.util.List<String> tampered = new java.util.ArrayList<>(probe(root));
            DirectoryLock lock = DirectoryLock.acquire(root);
            if (!made) {
                tampered.addAll(sweep(root));
            }
            // a directory that stays between runs keeps the workers' class data; one made now goes at the end
            ClassDataCache cache = made || "false".equals(System.getProperty(CLASS_DATA_PROPERTY)) ? null
                    : ClassDataCache.open(root).orElse(null);
            return new Workspace(abs, made, root, lock, tampered, cache);
        } catch (FsException e) {
            close(root);
            removeIfEmpty(abs, made);
            throw new WorkspaceException(e.errno().isTampering()
                    ? "refusing " + abs + ": it is a link or not a directory" : "cannot use " + e.getMessage());
        } catch (WorkspaceException e) {
            close(root);
            removeIfEmpty(abs, made);
            throw e;
        }
    }

    private static boolean make(Path abs) throws WorkspaceException {
        if (Files.isDirectory(abs)) {
            return false;
        }
        if (Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(abs)) {
            throw new WorkspaceException("cannot use " + abs + ": it exists and is not a directory");
        }
        try {
            Files.createDirectories(abs);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // made by someone else meanwhile: opening it decides
        } catch (IOException e) {
            throw new WorkspaceException("cannot create " + abs + ": " + reason(e, abs));
        }
    }

    private static String reason(IOException e, Path abs) {
        Path existing = kiln.util.Dirs.existingAncestor(abs);
        try {
            if (Files.getFileStore(existing).isReadOnly()) {
                return Errno.EROFS.text();
            }
        } catch (IOException ignored) {
            // fall through to the type of the error
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES.text();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * Writes and removes a probe file ({@code O_EXCL | O_NOFOLLOW}); a name someone planted is
     * left alone and another is tried.
     *
     * @return names found planted at probe names
     */
    private static java.util.List<String> probe(SecureDir root) throws WorkspaceException {
        java.util.List<String> planted = new java.util.ArrayList<>();
        for (int i = 0; i < PROBE_TRIES; i++) {
            String name = Layout.probe(ProcessHandle.current().pid(), ThreadLocalRandom.current().nextInt(1 << 30));
            try {
                root.writeNew(name, ByteBuffer.wrap(new byte[] {1}), false);
            } catch (FileIo.FileFailure e) {
                if (e.errno() == Errno.EEXIST) {
                    planted.add(name);
                    LOG.warn("{}/{} exists and is not kiln's: left alone, not followed", root.path(), name);
                    continue;
                }
                throw new WorkspaceException("cannot write in " + root.path() + ": " + e.errno().text());
            }
            try {
                root.deleteFile(name);
            } catch (FsException e) {
                throw new WorkspaceException("cannot remove files in " + root.path() + ": " + e.errno().text());
            }
            return planted;
        }
        throw new WorkspaceException("cannot write in " + root.path() + ": every probe name was taken");
    }

    private static java.util.List<String> sweep(SecureDir root) {
        try {
            Sweep.Result r = Sweep.all(root);
            if (r.removed() > 0) {
                LOG.info("removed {} files an earlier kiln left in {}", r.removed(), root.path());
            }
            return r.tampered();
        } catch (FsException e) {
            LOG.warn("cannot look for an earlier kiln's files in {}: {}", root.path(), e.getMessage());
            return java.util.List.of();
        }
    }

    /** The workers' class-data archive, when this directory was there before the run (and so stays after it). */
    public java.util.Optional<ClassDataCache> classData() {
        return java.util.Optional.ofNullable(classData);
    }

    /** The directory, absolute. */
    public Path dir() {
        return dir;
    }

    /** Distinct places where a link or foreign entry stood instead of kiln's own (probe names, worker directories, shards). */
    public synchronized long tampered() {
        return tampered.size();
    }

    /** Sweeps what worker lives that died without cleaning up left, such as {@code w0.1}. */
    public synchronized long sweepWorker(String workerDirName) {
        if (root == null || closed) {
            return 0;
        }
        try {
            Sweep.Result r = Sweep.worker(root, workerDirName);
            tampered.addAll(r.tampered());
            return r.removed();
        } catch (FsException e) {
            LOG.warn("could not sweep {}/{}: {}", dir, workerDirName, e.getMessage());
            return 0;
        }
    }

    /** kiln's files still in this directory: what a run that ends now would leave behind. */
    public record Leftovers(long files, java.util.List<String> shards) {
        public static final Leftovers NONE = new Leftovers(0, java.util.List.of());
    }

    /** Counts kiln's files still in the worker directories (after the workers stopped and the sweep). */
    public synchronized Leftovers leftovers() {
        if (root == null || closed) {
            return Leftovers.NONE;
        }
        long files = 0;
        java.util.List<String> where = new java.util.ArrayList<>();
        try {
            for (String w : root.list()) {
                if (!Layout.isWorkerDir(w) || root.kind(w) != EntryKind.DIRECTORY) {
                    continue;
                }
                try (SecureDir worker = root.openDir(w)) {
                    for (String d : worker.list()) {
                        if (!Layout.isShardDir(d) || worker.kind(d) != EntryKind.DIRECTORY) {
                            continue;
                        }
                        try (SecureDir shard = worker.openDir(d)) {
                            long n = shard.list().stream().filter(Layout::isFileName).count();
                            if (n > 0) {
                                files += n;
                                where.add(w + "/" + d);
                            }
                        }
                    }
                }
            }
        } catch (FsException e) {
            LOG.warn("cannot count what is left in {}: {}", dir, e.getMessage());
        }
        return new Leftovers(files, where);
    }

    @Override
    public synchronized void close() {
        if (closed || root == null) {
            closed = true;
            return;
        }
        closed = true;
        if (classData != null) {
            classData.close();
        }
        lock.close();
        removeIfEmpty(dir, made);
        root.close();
    }

    /** Removes {@code dir} when this run made it and it is empty again. */
    private static void removeIfEmpty(Path dir, boolean made) {
        if (!made) {
            return;
        }
        try (SecureDir parent = SecureDir.openRoot(dir.getParent())) {
            parent.removeDir(dir.getFileName().toString());
        } catch (FsException e) {
            if (e.errno() == Errno.ENOTEMPTY) {
                LOG.warn("leaving {}: it is not empty", dir);
            } else {
                LOG.warn("cannot remove {}: {}", dir, e.getMessage());
            }
        }
    }

    private static void close(SecureDir d) {
        if (d != null) {
            d.close();
        }
    }
}
