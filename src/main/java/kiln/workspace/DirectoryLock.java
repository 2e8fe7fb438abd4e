package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kiln per directory: an exclusive lock on {@code <dir>/.kiln.lock} for the whole run,
 * opened relative to the directory's descriptor. A link or anything but a regular file at that
 * name is refused without being opened (a FIFO would block an open; a link would lead outside),
 * and a file with more than one name (a hard link to another file) is refused before kiln
 * writes its pid into it.
 * Holding the lock proves no other kiln uses the directory, so what an earlier kiln left can be
 * swept. The OS drops the lock when the holder dies, however it dies.
 *
 * <p>A holder checks that the name still stands for the file it locked (same file key before
 * opening and after locking, read with {@code fstatat}): so the lock file can be removed at the
 * end while it is still locked, and a kiln that opened it just before and locks it just after
 * finds the name gone and gives up, rather than two kilns each holding "the" lock on different
 * files. The lock file is never opened a second time: closing any descriptor of a file drops the
 * process's POSIX record locks on it.
 */
final class DirectoryLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
    private static final Set<OpenOption> OPEN = Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    /**
     * Lock files this process holds, by file key. A second run in the same process (the daemon)
     * must not even open a held lock file: closing it again would drop the lock.
     */
    private static final Set<Object> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Object identity;

    private final SecureDir dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(SecureDir dir, FileChannel channel, FileLock lock, Object identity) {
        this.identity = identity;
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws WorkspaceException when another kiln holds {@code dir} or the lock cannot be taken safely */
    static DirectoryLock acquire(SecureDir dir) throws WorkspaceException {
        String where = dir.path() + "/" + Layout.LOCK;
        EntryKind kind = dir.kind(Layout.LOCK);
        if (kind == EntryKind.MISSING) {
            try {
                dir.writeNew(Layout.LOCK, ByteBuffer.allocate(0), false);
            } catch (FileIo.FileFailure e) {
                if (e.errno() != Errno.EEXIST) {
                    throw new WorkspaceException("cannot make the lock file " + where + ": " + e.errno().text());
                }
            }
            kind = dir.kind(Layout.LOCK);
        }
        if (kind != EntryKind.FILE) {
            throw new WorkspaceException("refusing " + where + ": it is " + kind.text() + ", not kiln's lock file (someone else put it there; remove it if that was not meant)");
        }
        Object identity = dir.fileKey(Layout.LOCK);
        if (identity == null) {
            throw new WorkspaceException("another kiln is using " + dir.path() + " (" + where + " was removed meanwhile)");
        }
        if (!HELD.add(identity)) {
            throw new WorkspaceException("another kiln run in this process is using " + dir.path());
        }
        try {
            return lock(dir, where, identity);
        } catch (WorkspaceException | RuntimeException e) {
            HELD.remove(identity);
            throw e;
        }
    }

    private static DirectoryLock lock(SecureDir dir, String where, Object identity) throws WorkspaceException {
        FileChannel ch;
        try {
            ch = (FileChannel) dir.stream().newByteChannel(Path.of(Layout.LOCK), OPEN);
        } catch (IOException e) {
            throw new WorkspaceException("cannot open the lock file " + where + ": "
                    + NioErrors.translate(e, "open", Path.of(dir.path()), Layout.LOCK, dir).errno().text());
        }
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw new WorkspaceException("another kiln is using " + dir.path() + " (it holds " + where + ")");
            }
            if (!identity.equals(dir.fileKey(Layout.LOCK))) {
                lock.release();
                ch.close();
                throw new WorkspaceException("another kiln is using " + dir.path() + " (" + where + " was replaced meanwhile)");
            }
            int links = linkCount(dir, identity);
            if (links != 1) {
                lock.release();
                ch.close();
                throw new WorkspaceException("refusing " + where + ": " + (links < 0 ? "cannot count its links"
                        : "it is a hard link to a file with " + links + " names, not kiln's lock file (writing kiln's pid"
                        + " into it would change that other file; remove the name if that was not meant)"));
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(dir, ch, lock, identity);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new WorkspaceException("another kiln run in this process is using " + dir.path());
        } catch (IOException e) {
            closeQuietly(ch);
            throw new WorkspaceException("cannot lock " + where + ": " + e.getMessage());
        }
    }

    /**
     * How many names the lock file {@code identity} has, or -1 when that cannot be read for it:
     * more than one means the name is a hard link to a file that is also elsewhere, perhaps one
     * another user linked there to have a root kiln truncate it.
     */
    private static int linkCount(SecureDir dir, Object identity) {
        try {
            java.util.Map<String, Object> a = java.nio.file.Files.readAttributes(Path.of(dir.path(), Layout.LOCK),
                    "unix:nlink,fileKey", LinkOption.NOFOLLOW_LINKS);
            return identity.equals(a.get("fileKey")) ? (Integer) a.get("nlink") : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("closing lock file: {}", e.toString());
        }
    }

    /** Removes the lock file while still holding the lock, then releases it. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                if (identity.equals(dir.fileKey(Layout.LOCK))) {
                    dir.deleteFile(Layout.LOCK); // only the file this kiln locked, never a replacement
                }
                lock.release();
            }
        } catch (IOException e) {
            LOG.debug("releasing the lock: {}", e.toString());
        } finally {
            closeQuietly(channel);
            HELD.remove(identity);
        }
    }
}
