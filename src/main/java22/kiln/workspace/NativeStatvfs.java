package kiln.workspace;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code statvfs(3)} through the Foreign Function &amp; Memory API: the inode counts NIO does not
 * give. Linux on 64-bit x86 and ARM: {@code struct statvfs} is eleven unsigned longs (block size,
 * fragment size, blocks, free, available, files, free files, available files, fsid, flags, name
 * length) and spare ints; the file counts are the sixth to eighth. Loaded by {@link Inodes}.
 */
final class NativeStatvfs implements Inodes.Reader {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final long SIZE = 256; // larger than the struct (112 bytes) on every Linux ABI kiln builds for
    private static final long F_FILES = 5 * 8L;
    private static final long F_FFREE = 6 * 8L;
    private static final long F_FAVAIL = 7 * 8L;
    private static final MethodHandle STATVFS;

    static {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            throw new UnsupportedOperationException("native statvfs is built for Linux on x86-64 and AArch64");
        }
        STATVFS = LINKER.downcallHandle(LINKER.defaultLookup().find("statvfs").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), Linker.Option.captureCallState("errno"));
    }

    public NativeStatvfs() {
    }

    @Override
    public Inodes.Count read(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            MemorySegment buf = arena.allocate(SIZE, 8);
            int rc;
            try {
                rc = (int) STATVFS.invokeExact(state, arena.allocateFrom(path.toString()), buf);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (rc != 0) {
                Errno errno = Errno.of((int) ERRNO.get(state, 0L));
                throw new FsException(errno, "statvfs", path.toString(), "errno " + errno);
            }
            return Inodes.Count.ofStatvfs(buf.get(JAVA_LONG, F_FILES), buf.get(JAVA_LONG, F_FFREE), buf.get(JAVA_LONG, F_FAVAIL));
        }
    }

    @Override
    public Duration interval() {
        return Duration.ofMillis(100);
    }

    @Override
    public String toString() {
        return "statvfs by FFM";
    }
}
