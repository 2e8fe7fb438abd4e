package kiln.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import kiln.stress.Leftovers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kiln per directory: an exclusive lock on {@code <dir>/.kiln.lock} for the whole run. Taking
 * it proves no other kiln is using the directory, so what an earlier kiln left there (killed with
 * -9 together with its workers) can be swept: worker directories {@code w<N>[.<life>]} holding
 * files with kiln's names and payload magic, nothing else. The OS drops the lock when the holder
 * dies, however it dies.
 */
final class DirectoryLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
    static final String NAME = ".kiln.lock";
    private static final Pattern WORKER_DIR = Pattern.compile("w\\d+(\\.\\d+)?");

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} and sweeps an earlier kiln's leftovers.
     *
     * @param fresh the directory was just created: nothing to sweep
     * @throws RunSession.CannotRun when another kiln holds the directory or the lock cannot be made
     */
    static DirectoryLock acquire(Path dir, boolean fresh) throws RunSession.CannotRun {
        Path file = dir.resolve(NAME);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw new RunSession.CannotRun("another kiln is using " + dir + " (it holds " + file + ")");
            }
            DirectoryLock held = new DirectoryLock(file, ch, lock);
            if (!fresh) {
                held.sweep(dir);
            }
            return held;
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new RunSession.CannotRun("another kiln run in this process is using " + dir);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new RunSession.CannotRun("cannot lock " + file + ": " + e.getMessage());
        }
    }

    private void sweep(Path dir) {
        long removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (WORKER_DIR.matcher(p.getFileName().toString()).matches()) {
                    removed += Leftovers.sweep(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot look for an earlier kiln's files in {}: {}", dir, e.toString());
        }
        if (removed > 0) {
            LOG.info("removed {} files an earlier kiln left in {}", removed, dir);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing lock file: {}", e.toString());
            }
        }
    }

    /** Releases the lock and removes the lock file. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                Files.deleteIfExists(file);
                lock.release();
            }
        } catch (IOException e) {
            LOG.debug("releasing {}: {}", file, e.toString());
        } finally {
            closeQuietly(channel);
        }
    }
}
