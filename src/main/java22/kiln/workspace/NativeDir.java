package kiln.workspace;

import static kiln.workspace.Libc.AT_REMOVEDIR;
import static kiln.workspace.Libc.DIR_FLAGS;
import static kiln.workspace.Libc.STATE;
import static kiln.workspace.Libc.closeFd;
import static kiln.workspace.Libc.failure;
import static kiln.workspace.Libc.mkdirat;
import static kiln.workspace.Libc.openat;
import static kiln.workspace.Libc.unlinkat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A directory descriptor; its own calls (rare: shards and worker directories) allocate a little. */
final class NativeDir implements Dir {
    final int fd;
    private final String path;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    NativeDir(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    String where(String name) {
        return path + "/" + name;
    }

    @Override
    public Dir makeDir(String name) throws FsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            MemorySegment n = a.allocateFrom(name);
            if (mkdirat(state, fd, n, 0700) != 0) {
                throw failure(state, "mkdir", where(name));
            }
            int child = openat(state, fd, n, DIR_FLAGS, 0);
            if (child < 0) {
                throw failure(state, "open", where(name)); // replaced between mkdirat and openat
            }
            return new NativeDir(child, where(name));
        }
    }

    @Override
    public Dir openDir(String name) throws FsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            int child = openat(state, fd, a.allocateFrom(name), DIR_FLAGS, 0);
            if (child < 0) {
                throw failure(state, "open", where(name));
            }
            return new NativeDir(child, where(name));
        }
    }

    @Override
    public void removeDir(String name) throws FsException {
        unlink(name, AT_REMOVEDIR, "rmdir");
    }

    @Override
    public void deleteFile(String name) throws FsException {
        unlink(name, 0, "delete");
    }

    private void unlink(String name, int flags, String op) throws FsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            if (unlinkat(state, fd, a.allocateFrom(name), flags) != 0) {
                throw failure(state, op, where(name));
            }
        }
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try (Arena a = Arena.ofConfined()) {
                closeFd(a.allocate(STATE), fd);
            }
        }
    }

    @Override
    public String toString() {
        return path;
    }
}
