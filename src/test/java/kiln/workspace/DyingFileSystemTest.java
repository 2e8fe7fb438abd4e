package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import kiln.testing.DyingExt4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A file system that dies under kiln (a real ext4 shut down: every operation EIO) is told as EIO
 * on every file path: the JDK 17 NIO path as well as the native one, since the verdict fails a
 * run on EIO and only on EIO.
 */
@Timeout(120)
final class DyingFileSystemTest {
    @TempDir
    Path tmp;

    static List<FileIo> ios() {
        return FileIo.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ios")
    void everyOperationOnADeadFileSystem_isEio(FileIo io) throws Exception {
        try (DyingExt4 fs = DyingExt4.mount(tmp, 64);
             Dir root = io.openRoot(fs.root());
             FileIo.Writer w = io.newWriter(1024)) {
            Dir shard = Dir.makeOrOpen(root, "d000000").dir();
            for (int i = 0; i < 10; i++) {
                w.create(shard, i, 1024, false);
            }
            fs.die();
            FileIo.FileFailure create = assertThrows(FileIo.FileFailure.class, () -> w.create(shard, 100, 1024, false));
            assertEquals(Errno.EIO, create.errno(), io + ": create: " + create.getMessage());
            FsException delete = assertThrows(FsException.class, () -> w.delete(shard, 3));
            assertEquals(Errno.EIO, delete.errno(), io + ": delete: " + delete.getMessage());
            FsException read = assertThrows(FsException.class, () -> w.readBack(shard, 4));
            assertEquals(Errno.EIO, read.errno(), io + ": read: " + read.getMessage());
            FsException mkdir = assertThrows(FsException.class, () -> root.makeDir("d000001"));
            assertEquals(Errno.EIO, mkdir.errno(), io + ": mkdir: " + mkdir.getMessage());
            shard.close();
        }
    }

    /**
     * What the JDK leaves of an errno it has no exception type for: the C library's words, as a
     * FileSystemException's reason or a plain IOException's whole message. Matched whole, never searched.
     */
    @Test
    void theJdksWordsForAnErrno_areReadWholeFromOneTable() {
        assertEquals(Errno.EIO, NioErrors.strerrorOf(new FileSystemException("/d/1.kiln", null, "Input/output error")));
        assertEquals(Errno.EIO, NioErrors.strerrorOf(new IOException("Input/output error")), "a channel's write or close");
        assertEquals(Errno.EUCLEAN, NioErrors.strerrorOf(new FileSystemException("/d", null, "Structure needs cleaning")));
        assertEquals(Errno.EBADMSG, NioErrors.strerrorOf(new FileSystemException("/d", null, "Bad message")));
        assertEquals(Errno.ENOSPC, NioErrors.strerrorOf(new FileSystemException("/d", null, "No space left on device")),
                "a full inode table too, with bytes to spare");
        assertEquals(Errno.EROFS, NioErrors.strerrorOf(new FileSystemException("/d", null, "Read-only file system")));
        assertEquals(Errno.EIO, NioErrors.strerrorOf(new FileSystemException("/d", null, "I/O error")), "musl's words");
        assertEquals(Errno.OTHER, NioErrors.strerrorOf(new FileSystemException("/d", null, "Eingabe-/Ausgabefehler")),
                "translated words are not guessed at: the verdict does not pass an error it cannot explain");
        assertEquals(Errno.OTHER, NioErrors.strerrorOf(new IOException("write failed: Input/output error")), "whole, not searched");
        assertEquals(Errno.OTHER, NioErrors.strerrorOf(new java.io.EOFException("Input/output error")), "only a plain IOException's message");
    }
}
