package kiln.link;

/**
 * Why failed file operations failed, where the errno says: each is a second count of operations
 * already counted under their {@link FileOp}. {@link #word()} is the wire key ({@code err.device}).
 */
public enum FileErrorCause {
    /** The device or the file system's own corruption (EIO, EUCLEAN, EBADMSG): fails the run. */
    DEVICE,
    /** EROFS: the file system went read-only under the run. */
    READ_ONLY,
    /** ENOSPC or EDQUOT: the file system's bytes or inodes ran out, or a quota; pressure, explained, not a fault. */
    FULL;

    private final String word = Words.of(this);

    public String word() {
        return word;
    }
}
