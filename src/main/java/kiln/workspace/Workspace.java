package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * {@link #close} unlocked and removed if this run made it and it is empty again, with the parents
 * it made for it (deepest first, each only if empty). Nothing at all when the file stressor is
 * off. {@link #close} is idempotent.
 */
public final class Workspace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);
    private static final int PROBE_TRIES = 3;
    /** What kiln makes for a run: private (README), whatever the umask. */
    private static final java.nio.file.attribute.FileAttribute<java.util.Set<java.nio.file.attribute.PosixFilePermission>> PRIVATE =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    /** {@code -Dkiln.class-data=false} starts workers without the class-data archive. */
    public static final String CLASS_DATA_PROPERTY = "kiln.class-data";

    private final Path dir;
    /** The directories this run made, outermost first: the directory itself last, or none. */
    private final java.util.List<Path> made;
    private final SecureDir root;
    private final DirectoryLock lock;
    /**
     * Names (relative to the directory) where a link or foreign entry stood instead of kiln's own:
     * each counted once. Concurrent: a scrape reads its size while a sweep, under the monitor, adds.
     */
    private final java.util.Set<String> tampered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ClassDataCache classData;
    /** What about the path lets others choose where kiln writes, read at open: said at start and in the report. */
    private final java.util.List<String> doubts;
    private boolean closed;

    private Workspace(Path dir, java.util.List<Path> made, SecureDir root, DirectoryLock lock, java.util.Collection<String> tampered,
                      ClassDataCache classData, java.util.List<String> doubts) {
        this.classData = classData;
        this.doubts = java.util.List.copyOf(doubts);
        this.dir = dir;
        this.made = made;
        this.root = root;
        this.lock = lock;
        this.tampered.addAll(tampered);
    }

    /** A workspace that holds nothing: the file stressor is off. */
    public static Workspace none(Path dir) {
        return new Workspace(dir, java.util.List.of(), null, null, java.util.List.of(), null, java.util.List.of());
    }

    /**
     * Makes (if missing), opens, probes and locks {@code dir}, then sweeps what an earlier kiln left.
     *
     * @throws WorkspaceException when the directory is unusable or another kiln holds it
     */
    public static Workspace open(Path dir) throws WorkspaceException {
        Path abs = dir.toAbsolutePath().normalize();
        java.util.List<Path> made = make(abs);
        java.util.List<String> doubts = PathTrust.doubtsAboutDir(abs);
        SecureDir root = null;
        try {
            root = SecureDir.openRoot(abs);
            java.util.List<String> tampered = new java.util.ArrayList<>(probe(root));
            DirectoryLock lock = DirectoryLock.acquire(root);
            if (made.isEmpty()) {
                tampered.addAll(sweep(root));
            }
            // a directory that stays between runs keeps the workers' class data; one made now goes at the end
            ClassDataCache cache = !made.isEmpty() || "false".equals(System.getProperty(CLASS_DATA_PROPERTY)) ? null
                    : ClassDataCache.open(root).orElse(null);
            return new Workspace(abs, made, root, lock, tampered, cache, doubts);
        } catch (FsException e) {
            close(root);
            removeIfEmpty(made);
            throw new WorkspaceException(e.errno().isTampering()
                    ? "refusing " + abs + ": it is a link or not a directory" : "cannot use " + e.getMessage());
        } catch (WorkspaceException e) {
            close(root);
            removeIfEmpty(made);
            throw e;
        }
    }

    /**
     * Makes {@code abs} and its missing parents one at a time, as {@code mkdir -p} does, noting
     * each this call made: a name someone else makes meanwhile is theirs, never removed by kiln.
     *
     * @return the directories made, outermost first; empty when {@code abs} was there
     */
    private static java.util.List<Path> make(Path abs) throws WorkspaceException {
        if (Files.isDirectory(abs)) {
            return java.util.List.of();
        }
        if (Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(abs)) {
            throw new WorkspaceException("cannot use " + abs + ": it exists and is not a directory");
        }
        java.util.List<Path> missing = new java.util.ArrayList<>();
        for (Path p = abs; p != null && !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(0, p);
        }
        java.util.List<Path> made = new java.util.ArrayList<>();
        for (Path p : missing) {
            try {
                Files.createDirectory(p, PRIVATE); // the umask can only narrow it
                made.add(p);
            } catch (FileAlreadyExistsException e) {
                // made by someone else meanwhile: theirs; opening the directory decides whether it will do
            } catch (IOException e) {
                removeIfEmpty(made);
                throw new WorkspaceException("cannot create " + abs + ": " + Errno.inWords(e, abs));
            }
        }
        // abs made by someone else meanwhile: theirs, and the parents made for it hold it, so they stay
        return made.contains(abs) ? made : java.util.List.of();
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

    /**
     * What about the directory's path lets someone other than root or kiln's user choose where its
     * files go (a part that is a symbolic link, a directory above it open to others), one line
     * each, read when it was opened: kiln still writes only through descriptors it opened
     * without following links, but an operator should know.
     */
    public java.util.List<String> doubts() {
        return doubts;
    }

    /** The directory, absolute. */
    public Path dir() {
        return dir;
    }

    /** Distinct places where a link or foreign entry stood instead of kiln's own (probe names, worker directories, shards). */
    public long tampered() {
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

    /**
     * kiln's files still in this directory: what a run that ends now would leave behind.
     *
     * @param files     files counted
     * @param shards    where, relative to the directory ({@code w0/d000001})
     * @param uncounted why some places could not be looked into (a dying disk answers EIO), or
     *                  empty when every one was: then {@code files} is at least what is left, not all
     */
    public record Leftovers(long files, java.util.List<String> shards, String uncounted) {
        public static final Leftovers NONE = new Leftovers(0, java.util.List.of(), "");

        public Leftovers {
            shards = java.util.List.copyOf(shards);
            uncounted = uncounted == null ? "" : uncounted;
        }
    }

    /**
     * Counts kiln's files still in the worker directories (after the workers stopped and the
     * sweep). A directory that cannot be read is said in {@link Leftovers#uncounted}, never
     * counted as empty.
     */
    public synchronized Leftovers leftovers() {
        if (root == null || closed) {
            return Leftovers.NONE;
        }
        return LeftoverCount.of(root, dir);
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
        removeIfEmpty(made);
        root.close();
    }

    /**
     * Removes the directories this run made, deepest first, each relative to its parent held open
     * and only if empty again (a link put in its place is not followed); stops at the first that
     * stays, since the ones above it then hold it.
     */
    private static void removeIfEmpty(java.util.List<Path> made) {
        for (int i = made.size() - 1; i >= 0; i--) {
            Path dir = made.get(i);
            try (SecureDir parent = SecureDir.openRoot(dir.getParent())) {
                parent.removeDir(dir.getFileName().toString());
            } catch (FsException e) {
                if (e.errno() == Errno.ENOTEMPTY) {
                    LOG.warn("leaving {}: it is not empty", dir);
                } else {
                    LOG.warn("cannot remove {}: {}", dir, e.getMessage());
                }
                return;
            }
        }
    }

    private static void close(SecureDir d) {
        if (d != null) {
            d.close();
        }
    }
}
