package kiln.workspace;

/**
 * The Linux error numbers kiln acts on. Decisions are made on these, never on message text.
 * The numbers are those of Linux on x86-64 and AArch64 (the generic table).
 */
public enum Errno {
    EPERM(1, "operation not permitted"),
    ENOENT(2, "no such file or directory"),
    EINTR(4, "interrupted"),
    EIO(5, "input/output error"),
    EBADF(9, "bad file descriptor"),
    EAGAIN(11, "resource temporarily unavailable"),
    ENOMEM(12, "out of memory"),
    EACCES(13, "permission denied"),
    EEXIST(17, "file exists"),
    ENOTDIR(20, "not a directory"),
    EISDIR(21, "is a directory"),
    EINVAL(22, "invalid argument"),
    EMFILE(24, "too many open files"),
    EFBIG(27, "file too large"),
    ENOSPC(28, "no space left on device"),
    EROFS(30, "read-only file system"),
    ENAMETOOLONG(36, "file name too long"),
    EBADMSG(74, "bad message (a checksum the file system keeps did not match)"),
    ENOTEMPTY(39, "directory not empty"),
    ELOOP(40, "a symbolic link where kiln expects its own entry"),
    EUCLEAN(117, "structure needs cleaning (the file system found itself corrupt)"),
    EDQUOT(122, "disk quota exceeded"),
    /** Any other error; the message carries what the platform said. */
    OTHER(-1, "error");

    private final int number;
    private final String text;

    Errno(int number, String text) {
        this.number = number;
        this.text = text;
    }

    public int number() {
        return number;
    }

    /** A short lower-case description, as {@code strerror} would give. */
    public String text() {
        return text;
    }

    public static Errno of(int number) {
        for (Errno e : values()) {
            if (e.number == number) {
                return e;
            }
        }
        return OTHER;
    }

    /**
     * What went wrong with a path operation on {@code where}, in words: "read-only file system",
     * "permission denied", "no such file or directory", else the C library's reason lower-cased.
     * For messages only; decisions are made on numbers.
     */
    public static String inWords(java.io.IOException e, java.nio.file.Path where) {
        java.nio.file.Path existing = kiln.util.Dirs.existingAncestor(where.toAbsolutePath());
        try {
            if (existing != null && java.nio.file.Files.getFileStore(existing).isReadOnly()) {
                return EROFS.text();
            }
        } catch (java.io.IOException ignored) {
            // fall through to the type of the error
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return EACCES.text();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return ENOENT.text(); // mkdir in /proc, say, or a parent removed meanwhile
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
            String r = f.getReason(); // the C library's words, such as "Not a directory"
            return Character.toLowerCase(r.charAt(0)) + r.substring(1);
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * What a failing disk or file system answers: EIO from the device, or the file system's own
     * finding of corruption (EUCLEAN; EBADMSG, a metadata checksum that did not match). Burn-in
     * exists to find these: they fail the run.
     */
    public boolean isDeviceFault() {
        return this == EIO || this == EUCLEAN || this == EBADMSG;
    }

    /** The file system is out of room: creation should back off rather than spin. */
    public boolean isFull() {
        return this == ENOSPC || this == EDQUOT;
    }

    /**
     * Where kiln expected its own directory or file, something else stands: a symbolic link or
     * an entry of the wrong type. Never followed; counted as tampering.
     */
    public boolean isTampering() {
        return this == ELOOP || this == ENOTDIR;
    }
}
