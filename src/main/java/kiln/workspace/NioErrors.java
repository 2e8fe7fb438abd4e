package kiln.workspace;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** The NIO path's errors as kiln's: the errno a JDK exception stands for. */
final class NioErrors {
    private NioErrors() {
    }

    /**
     * The {@link Errno} behind a JDK exception, decided by its type, else by the C library's
     * words for it matched whole against {@link Errno#ofStrerror} (all the JDK keeps of an errno
     * it has no type for: EIO, ENOSPC, EROFS, EUCLEAN…), else by the type of the entry and the
     * state of the file system.
     */
    static FsException translate(IOException e, String op, Path dir, String name, SecureDir in) {
        String where = name == null ? dir.toString() : dir.resolve(name).toString();
        Errno errno;
        Errno said = strerrorOf(e);
        if (e instanceof FsException f) {
            return f;
        } else if (name != null && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Dir.NAME_MAX) {
            errno = Errno.ENAMETOOLONG; // the JDK says so only in words
        } else if (e instanceof FileAlreadyExistsException) {
            errno = Errno.EEXIST;
        } else if (e instanceof NoSuchFileException) {
            errno = Errno.ENOENT;
        } else if (e instanceof DirectoryNotEmptyException) {
            errno = Errno.ENOTEMPTY;
        } else if (e instanceof NotDirectoryException) {
            errno = Errno.ENOTDIR;
        } else if (said != Errno.OTHER && said != Errno.ELOOP) {
            errno = said; // a link is told by looking (below): the JDK words ELOOP its own way, and not on every call
        } else if (in != null && name != null && in.kind(name) == EntryKind.LINK) {
            errno = Errno.ELOOP; // NOFOLLOW_LINKS met a link: how the JDK reports it differs by call
        } else if (in != null && name != null && op.equals("open") && in.kind(name) != EntryKind.DIRECTORY
                && in.kind(name) != EntryKind.MISSING) {
            errno = Errno.ENOTDIR;
        } else if (in != null && in.readOnlyNow()) {
            errno = Errno.EROFS;
        } else if (e instanceof AccessDeniedException) {
            errno = Errno.EACCES;
        } else if (in != null && usable(in.store()) < 4096) {
            errno = Errno.ENOSPC;
        } else {
            errno = Errno.OTHER;
        }
        String detail = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
        return new FsException(errno, op, where, detail);
    }

    /**
     * The errno the JDK's words for {@code e} stand for: the reason of a
     * {@link FileSystemException} (path operations), or the whole message of a plain
     * {@link IOException} (a channel's read, write, force or close, which the JDK throws with
     * {@code strerror(errno)} as its message). {@link Errno#OTHER} when they are not exactly a
     * C library's words.
     */
    static Errno strerrorOf(IOException e) {
        if (e instanceof FileSystemException f) {
            return Errno.ofStrerror(f.getReason());
        }
        return e.getClass() == IOException.class ? Errno.ofStrerror(e.getMessage()) : Errno.OTHER;
    }

    private static long usable(FileStore store) {
        try {
            return store == null ? Long.MAX_VALUE : store.getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
