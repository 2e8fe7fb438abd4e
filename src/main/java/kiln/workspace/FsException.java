package kiln.workspace;

import java.io.IOException;

/**
 * A failed file-system operation, with its {@link Errno} (which callers decide on) and a message
 * naming the operation and the place: {@code "create of /data/w0/d000001/17.kiln: no space left
 * on device"}.
 */
public final class FsException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Errno errno;

    public FsException(Errno errno, String op, String where, String detail) {
        super(op + " of " + where + ": " + (detail == null || errno != Errno.OTHER ? errno.text() : detail));
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
