package kiln.workspace;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a worker touches the file system: directories opened by descriptor ({@link Dir}) and the
 * hot path of numbered files ({@link Writer}). Two implementations pass the same tests:
 * {@code native} calls {@code openat}, {@code write}, {@code fsync}, {@code close},
 * {@code unlinkat} and {@code mkdirat} through the Foreign Function &amp; Memory API (JDK 22 or
 * newer, from the jar's {@code META-INF/versions/22}), allocating nothing per file; {@code nio}
 * uses the JDK's {@link java.nio.file.SecureDirectoryStream}, which makes the same calls
 * underneath at the cost of a few objects per file. Thread-safe.
 */
public abstract class FileIo {
    /** System property that forces the NIO path ({@code -Dkiln.file-io=nio}). */
    public static final String PROPERTY = "kiln.file-io";
    private static final String NATIVE_CLASS = "kiln.workspace.NativeFileIo";
    private static final Optional<FileIo> NATIVE = loadNative();

    /** {@code "native"} or {@code "nio"}: shown at start and in {@code kiln_files_io_info}. */
    public abstract String name();

    /**
     * Opens {@code dir}, which must be a directory and not a symbolic link (its parents are the
     * operator's choice and are followed).
     */
    public abstract Dir openRoot(Path dir) throws FsException;

    /** A writer for one thread, with buffers for files of up to {@code capacity} bytes. */
    public abstract Writer newWriter(int capacity);

    /**
     * The hot path of one writer thread: files named {@link Layout#fileName} in a {@link Dir} of
     * this implementation. Not thread-safe: one per thread.
     */
    public interface Writer extends AutoCloseable {
        /** Where the content of the next file is put: position 0, capacity as asked. */
        ByteBuffer payload();

        /**
         * Creates file {@code index} in {@code dir} ({@code O_CREAT | O_EXCL | O_NOFOLLOW}: an
         * existing entry is never opened, let alone overwritten), writes the first
         * {@code length} bytes of {@link #payload()}, optionally fsyncs, and closes it. When a
         * step after the create fails, the partial file is removed before the error is thrown.
         *
         * @throws FileFailure naming the step that failed, with its {@link Errno}
         */
        void create(Dir dir, long index, int length, boolean fsync) throws FileFailure;

        /**
         * Reads file {@code index} into {@link #readBuffer()} from position 0, up to its capacity,
         * refusing a link; returns the bytes read.
         */
        int readBack(Dir dir, long index) throws FsException;

        /** Where {@link #readBack} puts what it reads. */
        ByteBuffer readBuffer();

        /** Removes file {@code index} from {@code dir}. */
        void delete(Dir dir, long index) throws FsException;

        @Override
        void close();
    }

    /** A failed {@link Writer#create}: whether the file had been created before the failure. */
    public static final class FileFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean created;
        private final Errno errno;

        public FileFailure(FsException cause, boolean created) {
            super(cause.getMessage(), cause, false, false);
            this.created = created;
            this.errno = cause.errno();
        }

        /** True when the open succeeded and a later step (write, fsync, close) failed. */
        public boolean created() {
            return created;
        }

        public Errno errno() {
            return errno;
        }
    }

    /** The fastest implementation this runtime allows, unless {@value #PROPERTY}=nio says otherwise. */
    public static FileIo best() {
        if ("nio".equals(System.getProperty(PROPERTY))) {
            return nio();
        }
        return NATIVE.orElseGet(FileIo::nio);
    }

    public static FileIo nio() {
        return NioFileIo.INSTANCE;
    }

    /** The native implementation, when this is JDK 22 or newer on Linux x86-64 or AArch64 with native access. */
    public static Optional<FileIo> nativeIo() {
        return NATIVE;
    }

    /** Every implementation this runtime has: what tests run against. */
    public static List<FileIo> available() {
        List<FileIo> all = new ArrayList<>();
        all.add(nio());
        NATIVE.ifPresent(all::add);
        return all;
    }

    private static Optional<FileIo> loadNative() {
        if (Runtime.version().feature() < 22) {
            return Optional.empty();
        }
        try {
            return Optional.of((FileIo) Class.forName(NATIVE_CLASS).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // not in this build, an unknown platform, or native access denied: the NIO path is complete
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
