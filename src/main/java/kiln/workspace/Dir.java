package kiln.workspace;

import java.io.Closeable;

/**
 * A directory kiln holds open. Every operation is relative to its descriptor and never follows
 * a symbolic link: a link (or an entry of the wrong type) where kiln expects its own directory
 * fails with {@link Errno#ELOOP} or {@link Errno#ENOTDIR}, which {@link Errno#isTampering()}
 * names. Renaming or replacing the directory's path while kiln holds it changes nothing: kiln
 * keeps working in the directory it opened.
 *
 * <p>Thread-safe for concurrent operations; {@link #close} only once none is under way.
 */
public interface Dir extends Closeable {
    /** The longest name an entry can have on Linux, in bytes (a longer one is {@link Errno#ENAMETOOLONG}). */
    int NAME_MAX = 255;

    /**
     * Makes the subdirectory {@code name} (mode 0700) and opens it.
     *
     * @throws FsException {@link Errno#EEXIST} when anything of that name exists
     */
    Dir makeDir(String name) throws FsException;

    /**
     * Opens the existing subdirectory {@code name}.
     *
     * @throws FsException with {@link Errno#isTampering()} when it is a link or not a directory
     */
    Dir openDir(String name) throws FsException;

    /** Removes the empty subdirectory {@code name}; {@link Errno#ENOTEMPTY} when it holds anything. */
    void removeDir(String name) throws FsException;

    /** Removes the entry {@code name}, not a directory; a link is removed itself, never followed. */
    void deleteFile(String name) throws FsException;

    /** Where this directory was when it was opened: for messages only, never for access. */
    String path();

    /** Closes the descriptor. Idempotent. */
    @Override
    void close();

    /** A directory opened by {@link #makeOrOpen}, and whether this call made it (and so may remove it). */
    record Opened(Dir dir, boolean made) {
    }

    /**
     * Makes {@code name} in {@code parent}, or opens it when it exists already as a real directory.
     *
     * @throws FsException with {@link Errno#isTampering()} when a link or a file stands there
     */
    static Opened makeOrOpen(Dir parent, String name) throws FsException {
        try {
            return new Opened(parent.makeDir(name), true);
        } catch (FsException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
        return new Opened(parent.openDir(name), false);
    }
}
