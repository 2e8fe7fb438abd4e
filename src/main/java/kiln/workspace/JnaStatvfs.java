package kiln.workspace;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.platform.linux.LibC;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code statvfs(3)} through JNA, which the supervisor carries (OSHI uses it) and the worker jar
 * does not: the supervisor reads the inodes on JDK 17 without starting a process each second.
 * Loaded by {@link Inodes} by name, so that a class path without JNA falls back to {@code stat}.
 */
final class JnaStatvfs implements Inodes.Reader {
    JnaStatvfs() {
        if (!System.getProperty("os.name").equals("Linux")) {
            throw new UnsupportedOperationException("statvfs by JNA is for Linux");
        }
        LibC.INSTANCE.getClass(); // links the library now, or fails here rather than at the first reading
    }

    @Override
    public Inodes.Count read(Path path) throws IOException {
        LibC.Statvfs buf = new LibC.Statvfs();
        int rc;
        try {
            rc = LibC.INSTANCE.statvfs(path.toString(), buf);
        } catch (LastErrorException e) {
            throw new FsException(Errno.of(e.getErrorCode()), "statvfs", path.toString(), "errno " + e.getErrorCode());
        }
        if (rc != 0) {
            int errno = Native.getLastError();
            throw new FsException(Errno.of(errno), "statvfs", path.toString(), "errno " + errno);
        }
        return Inodes.Count.ofStatvfs(buf.f_files.longValue(), buf.f_ffree.longValue(), buf.f_favail.longValue());
    }

    @Override
    public Duration interval() {
        return Duration.ofMillis(100);
    }

    @Override
    public String toString() {
        return "statvfs by JNA";
    }
}
