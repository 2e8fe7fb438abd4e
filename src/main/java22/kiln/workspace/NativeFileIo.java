package kiln.workspace;

import static kiln.workspace.Libc.AT_FDCWD;
import static kiln.workspace.Libc.DIR_FLAGS;
import static kiln.workspace.Libc.STATE;
import static kiln.workspace.Libc.failure;
import static kiln.workspace.Libc.openat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * {@link FileIo} through the Foreign Function &amp; Memory API: {@code openat}, {@code write},
 * {@code fsync}, {@code close}, {@code unlinkat}, {@code mkdirat} and {@code read} called
 * directly, relative to directory descriptors, {@code errno} captured with each call. A
 * {@link Writer} formats names into its own native buffer and writes from its own native
 * payload: nothing is allocated per file. Linux on x86-64 and AArch64 (their flag values differ).
 * The calls are {@link Libc}; a directory is a {@link NativeDir}, a thread's buffers a {@link NativeWriter}.
 */
final class NativeFileIo extends FileIo {
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
}
