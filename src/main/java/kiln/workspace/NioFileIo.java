package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

/** {@link FileIo} on the JDK's {@link java.nio.file.SecureDirectoryStream}: JDK 17 and newer. */
final class NioFileIo extends FileIo {
    static final NioFileIo INSTANCE = new NioFileIo();

    private NioFileIo() {
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public Dir openRoot(Path dir) throws FsException {
        return SecureDir.openRoot(dir);
    }

    @Override
    public Writer newWriter(int capacity) {
        return new NioWriter(capacity);
    }

    private static final class NioWriter implements Writer {
        private final ByteBuffer payload;
        private final ByteBuffer read;

        NioWriter(int capacity) {
            payload = ByteBuffer.allocateDirect(capacity);
            read = ByteBuffer.allocateDirect(capacity);
        }

        @Override
        public ByteBuffer payload() {
            return payload;
        }

        @Override
        public ByteBuffer readBuffer() {
            return read;
        }

        @Override
        public void create(Dir dir, long index, int length, boolean fsync) throws FileFailure {
            ByteBuffer content = payload.duplicate();
            content.clear().limit(length);
            ((SecureDir) dir).writeNew(Layout.fileName(index), content, fsync);
        }

        @Override
        public int readBack(Dir dir, long index) throws FsException {
            SecureDir d = (SecureDir) dir;
            String name = Layout.fileName(index);
            read.clear();
            try (SeekableByteChannel ch = d.stream().newByteChannel(Path.of(name), SecureDir.READ)) {
                while (read.hasRemaining() && ch.read(read) > 0) {
                    // until full or end of file: one byte more than a file holds shows a file that grew
                }
            } catch (IOException e) {
                throw NioErrors.translate(e, "read", Path.of(d.path()), name, d);
            }
            return read.position();
        }

        @Override
        public void delete(Dir dir, long index) throws FsException {
            dir.deleteFile(Layout.fileName(index));
        }

        @Override
        public void close() {
            // direct buffers go with the writer
        }
    }
}
