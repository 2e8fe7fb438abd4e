package kiln.workspace;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static kiln.workspace.Libc.CREATE_FLAGS;
import static kiln.workspace.Libc.READ_FLAGS;
import static kiln.workspace.Libc.STATE;
import static kiln.workspace.Libc.closeFd;
import static kiln.workspace.Libc.errno;
import static kiln.workspace.Libc.failure;
import static kiln.workspace.Libc.fsync;
import static kiln.workspace.Libc.openat;
import static kiln.workspace.Libc.read;
import static kiln.workspace.Libc.unlinkat;
import static kiln.workspace.Libc.write;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import kiln.workspace.FileIo.FileFailure;

/** One thread's buffers: errno state, a file name, the payload and a read-back buffer, all native. */
final class NativeWriter implements FileIo.Writer {
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
