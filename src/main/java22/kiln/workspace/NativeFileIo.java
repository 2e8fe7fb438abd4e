package kiln.workspace;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@link FileIo} through the Foreign Function &amp; Memory API: {@code openat}, {@code write},
 * {@code fsync}, {@code close}, {@code unlinkat}, {@code mkdirat} and {@code read} called
 * directly, relative to directory descriptors, {@code errno} captured with each call. A
 * {@link Writer} formats names into its own native buffer and writes from its own native
 * payload: nothing is allocated per file. Linux on x86-64 and AArch64 (their flag values differ).
 */
final class NativeFileIo extends FileIo {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int O_DIRECTORY;
    static final int O_NOFOLLOW;
    static final int AT_FDCWD = -100;
    static final int AT_REMOVEDIR = 0x200;

    static {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").equals("Linux")) {
            throw new UnsupportedOperationException("native file I/O is for Linux");
        }
        switch (arch) {
            case "amd64", "x86_64" -> {
                O_DIRECTORY = 0200000;
                O_NOFOLLOW = 0400000;
            }
            case "aarch64" -> {
                O_DIRECTORY = 040000;
                O_NOFOLLOW = 0100000;
            }
            default -> throw new UnsupportedOperationException("native file I/O not built for " + arch);
        }
    }

    static final int CREATE_FLAGS = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    static final int READ_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    static final int DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

    private static final MethodHandle OPENAT = downcall("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle FSYNC = downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNLINKAT = downcall("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MKDIRAT = downcall("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... more) {
        SymbolLookup libc = LINKER.defaultLookup();
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = CAPTURE;
        System.arraycopy(more, 0, options, 1, more.length);
        return LINKER.downcallHandle(libc.find(name).orElseThrow(() -> new UnsupportedOperationException("no " + name)),
                fd, options);
    }

    NativeFileIo() {
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public Dir openRoot(Path dir) throws FsException {
        Path abs = dir.toAbsolutePath().normalize();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            int fd = openat(state, AT_FDCWD, a.allocateFrom(abs.toString()), DIR_FLAGS, 0);
            if (fd < 0) {
                throw failure(state, "open", abs.toString());
            }
            return new NativeDir(fd, abs.toString());
        }
    }

    @Override
    public Writer newWriter(int capacity) {
        return new NativeWriter(capacity);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static FsException failure(MemorySegment state, String op, String where) {
        return new FsException(Errno.of(errno(state)), op, where, "errno " + errno(state));
    }

    static int openat(MemorySegment state, int dirfd, MemorySegment name, int flags, int mode) {
        try {
            return (int) OPENAT.invokeExact(state, dirfd, name, flags, mode);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long write(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(state, fd, buf, count);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long read(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(state, fd, buf, count);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int fsync(MemorySegment state, int fd) {
        try {
            return (int) FSYNC.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int closeFd(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int unlinkat(MemorySegment state, int dirfd, MemorySegment name, int flags) {
        try {
            return (int) UNLINKAT.invokeExact(state, dirfd, name, flags);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int mkdirat(MemorySegment state, int dirfd, MemorySegment name, int mode) {
        try {
            return (int) MKDIRAT.invokeExact(state, dirfd, name, mode);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A directory descriptor; its own calls (rare: shards and worker directories) allocate a little. */
    static final class NativeDir implements Dir {
        final int fd;
        private final String path;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        NativeDir(int fd, String path) {
            this.fd = fd;
            this.path = path;
        }

        private String where(String name) {
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

    /** One thread's buffers: errno state, a file name, the payload and a read-back buffer, all native. */
    static final class NativeWriter implements Writer {
        private static final byte[] SUFFIX = (Layout.FILE_SUFFIX + "\0").getBytes(StandardCharsets.US_ASCII);
        private final Arena arena = Arena.ofShared();
        private final MemorySegment state = arena.allocate(STATE);
        private final MemorySegment name = arena.allocate(32);
        private final MemorySegment payload;
        private final MemorySegment read;
        private final ByteBuffer payloadView;
        private final ByteBuffer readView;

        NativeWriter(int capacity) {
            payload = arena.allocate(capacity, 64);
            read = arena.allocate(capacity, 64);
            payloadView = payload.asByteBuffer();
            readView = read.asByteBuffer();
        }

        /** Writes {@code <index>.kiln} and a NUL into {@link #name}, without allocating. */
        private void name(long index) {
            int digits = 1;
            for (long v = index; v >= 10; v /= 10) {
                digits++;
            }
            long v = index;
            for (int i = digits - 1; i >= 0; i--) {
                name.set(JAVA_BYTE, i, (byte) ('0' + v % 10));
                v /= 10;
            }
            for (int i = 0; i < SUFFIX.length; i++) {
                name.set(JAVA_BYTE, digits + i, SUFFIX[i]);
            }
        }

        @Override
        public ByteBuffer payload() {
            return payloadView;
        }

        @Override
        public ByteBuffer readBuffer() {
            return readView;
        }

        @Override
        public void create(Dir dir, long index, int length, boolean fsync) throws FileFailure {
            NativeDir d = (NativeDir) dir;
            name(index);
            int fd = openat(state, d.fd, name, CREATE_FLAGS, Layout.FILE_MODE);
            if (fd < 0) {
                throw new FileFailure(failure(state, "create", d.where(Layout.fileName(index))), false);
            }
            String failedStep = null;
            int errno = 0;
            long off = 0;
            while (off < length) {
                long n = write(state, fd, off == 0 ? payload : payload.asSlice(off), length - off);
                if (n < 0) {
                    errno = errno(state);
                    if (errno == Errno.EINTR.number()) {
                        continue;
                    }
                    failedStep = "write";
                    break;
                }
                off += n;
            }
            if (failedStep == null && fsync && fsync(state, fd) != 0) {
                failedStep = "fsync";
                errno = errno(state);
            }
            if (closeFd(state, fd) != 0 && failedStep == null) {
                failedStep = "close"; // NFS and some FUSE file systems report write errors here
                errno = errno(state);
            }
            if (failedStep != null) {
                unlinkat(state, d.fd, name, 0); // the partial file is ours: O_EXCL made it
                throw new FileFailure(new FsException(Errno.of(errno), failedStep, d.where(Layout.fileName(index)),
                        "errno " + errno), true);
            }
        }

        @Override
        public int readBack(Dir dir, long index) throws FsException {
            NativeDir d = (NativeDir) dir;
            name(index);
            int fd = openat(state, d.fd, name, READ_FLAGS, 0);
            if (fd < 0) {
                throw failure(state, "read", d.where(Layout.fileName(index)));
            }
            long cap = read.byteSize();
            long off = 0;
            try {
                while (off < cap) {
                    long n = read(state, fd, off == 0 ? read : read.asSlice(off), cap - off);
                    if (n < 0 && errno(state) == Errno.EINTR.number()) {
                        continue;
                    }
                    if (n < 0) {
                        throw failure(state, "read", d.where(Layout.fileName(index)));
                    }
                    if (n == 0) {
                        break;
                    }
                    off += n;
                }
            } finally {
                closeFd(state, fd);
            }
            readView.clear().position((int) off);
            return (int) off;
        }

        @Override
        public void delete(Dir dir, long index) throws FsException {
            NativeDir d = (NativeDir) dir;
            name(index);
            if (unlinkat(state, d.fd, name, 0) != 0) {
                throw failure(state, "delete", d.where(Layout.fileName(index)));
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
