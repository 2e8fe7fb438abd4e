package kiln.workspace;

/**
 * The Linux error numbers kiln acts on. Decisions are made on these, never on message text.
 * The numbers are those of Linux on x86-64 and AArch64 (the generic table).
 */
public enum Errno {
    EPERM(1, "operation not permitted", "Operation not permitted"),
    ENOENT(2, "no such file or directory", "No such file or directory"),
    EINTR(4, "interrupted", "Interrupted system call"),
    EIO(5, "input/output error", "Input/output error", "I/O error"),
    EBADF(9, "bad file descriptor", "Bad file descriptor"),
    EAGAIN(11, "resource temporarily unavailable", "Resource temporarily unavailable"),
    ENOMEM(12, "out of memory", "Cannot allocate memory", "Out of memory"),
    EACCES(13, "permission denied", "Permission denied"),
    EEXIST(17, "file exists", "File exists"),
    ENOTDIR(20, "not a directory", "Not a directory"),
    EISDIR(21, "is a directory", "Is a directory"),
    EINVAL(22, "invalid argument", "Invalid argument"),
    EMFILE(24, "too many open files", "Too many open files", "No file descriptors available"),
    EFBIG(27, "file too large", "File too large"),
    ENOSPC(28, "no space left on device", "No space left on device"),
    EROFS(30, "read-only file system", "Read-only file system"),
    ENAMETOOLONG(36, "file name too long", "File name too long"),
    EBADMSG(74, "bad message (a checksum the file system keeps did not match)", "Bad message"),
    ENOTEMPTY(39, "directory not empty", "Directory not empty"),
    ELOOP(40, "a symbolic link where kiln expects its own entry", "Too many levels of symbolic links", "Symbolic link loop"),
    EUCLEAN(117, "structure needs cleaning (the file system found itself corrupt)", "Structure needs cleaning", "Data consistency error"),
    EDQUOT(122, "disk quota exceeded", "Disk quota exceeded", "Quota exceeded"),
    /** Any other error; the message carries what the platform said. */
    OTHER(-1, "error");

    private final int number;
    private final String text;
    /**
     * What the C library's {@code strerror} says for this number, in the C locale: glibc's words
     * first, then musl's where they differ. See {@link #ofStrerror}.
     */
    private final java.util.List<String> strerror;

    Errno(int number, String text, String... strerror) {
        this.number = number;
        this.text = text;
        this.strerror = java.util.List.of(strerror);
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
     * The errno whose {@code strerror} text is exactly {@code reason}, or {@link #OTHER}.
     *
     * <p>This is the one place kiln reads an error's words, and only because the JDK leaves
     * nothing else: before JDK 22, {@code sun.nio.fs.UnixException} turns an errno it has no
     * exception type for (EIO, ENOSPC, EROFS, EUCLEAN…) into a {@link java.nio.file.FileSystemException}
     * whose {@link java.nio.file.FileSystemException#getReason() reason} is {@code strerror(errno)}
     * and nothing more (the number itself is dropped, and no cause is kept), and a failed
     * {@code write}, {@code fsync} or {@code close} on a channel throws a plain
     * {@link java.io.IOException} whose message is that same text. The text is compared whole
     * against this table, never searched: "Input/output error" is EIO, anything else is not. Under
     * a locale whose C library translates its messages the words differ and the answer is
     * {@link #OTHER}, which the verdict still never lets pass (see {@code Verdict}).
     */
    public static Errno ofStrerror(String reason) {
        if (reason == null || reason.isEmpty()) {
            return OTHER;
        }
        for (Errno e : values()) {
            if (e.strerror.contains(reason)) {
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
