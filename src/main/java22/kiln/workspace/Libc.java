package kiln.workspace;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls of the native file path, each linked once through the Foreign Function &amp;
 * Memory API with {@code errno} captured into a caller's state segment, and the flag values of
 * Linux on x86-64 and AArch64 (which differ). A call that fails returns what libc returns; the
 * caller reads {@link #errno}.
 */
final class Libc {
    private Libc() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout STATE = Linker.Option.captureStateLayout();
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
}
