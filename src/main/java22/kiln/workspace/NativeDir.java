package kiln.workspace;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
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
import java.nio.charset.StandardCharsets;

/**
 * A directory descriptor. Its own calls (a shard made, opened, removed or closed: some 65 a second
 * per worker in a storm) go through a native scratch kept per thread, not a new arena each: these
 * calls are too few for the JIT to compile, and in the interpreter an arena's opening, allocation
 * and closing cost several times the system calls themselves.
 */
final class NativeDir implements Dir {
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** One thread's captured-state segment and name buffer, used by one call at a time. */
    private static final class Scratch {
        final MemorySegment state;
        private final MemorySegment name;

        Scratch() {
            Arena arena = Arena.ofAuto(); // freed with the thread's scratch
            state = arena.allocate(STATE);
            name = arena.allocate(Dir.NAME_MAX + 1);
        }

        /** {@code n} as a C string; a name too long for the buffer gets its own (the call then fails with ENAMETOOLONG). */
        MemorySegment name(String n) {
            byte[] bytes = n.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > Dir.NAME_MAX) {
                return Arena.ofAuto().allocateFrom(n);
            }
            for (int i = 0; i < bytes.length; i++) { // the writers' own accessor, compiled: MemorySegment.copy is not
                name.set(JAVA_BYTE, i, bytes[i]);
            }
            name.set(JAVA_BYTE, bytes.length, (byte) 0);
            return name;
        }
    }

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
        Scratch s = SCRATCH.get();
        MemorySegment n = s.name(name);
        if (mkdirat(s.state, fd, n, 0700) != 0) {
            throw failure(s.state, "mkdir", where(name));
        }
        int child = openat(s.state, fd, n, DIR_FLAGS, 0);
        if (child < 0) {
            throw failure(s.state, "open", where(name)); // replaced between mkdirat and openat
        }
        return new NativeDir(child, where(name));
    }

    @Override
    public Dir openDir(String name) throws FsException {
        Scratch s = SCRATCH.get();
        int child = openat(s.state, fd, s.name(name), DIR_FLAGS, 0);
        if (child < 0) {
            throw failure(s.state, "open", where(name));
        }
        return new NativeDir(child, where(name));
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
        Scratch s = SCRATCH.get();
        if (unlinkat(s.state, fd, s.name(name), flags) != 0) {
            throw failure(s.state, op, where(name));
        }
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeFd(SCRATCH.get().state, fd);
        }
    }

    @Override
    public String toString() {
        return path;
    }
}
