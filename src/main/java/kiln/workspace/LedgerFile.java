package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The bytes of the per-core failure ledger, {@code <dir>/.kiln-runs/core-ledger.tsv}: a text file
 * kiln only ever appends whole lines to. It lives in the kept reports' private directory (0700)
 * and is itself 0600, owned by kiln's user; it is opened relative to that directory's descriptor,
 * never through a link, and refused when it is a link, not a regular file, owned by someone else
 * or open to others. It never grows past {@link #MAX_BYTES}: an append that would is refused
 * ({@link Errno#EFBIG}), and a read gives at most that much. What the lines mean is
 * {@code kiln.fleet.CoreLedger}'s business. Thread-safe.
 */
public final class LedgerFile {
    /** The ledger's name in the kept reports' directory. */
    public static final String NAME = "core-ledger.tsv";
    /** Largest ledger: at about 120 bytes a line, some 70,000 failures. */
    public static final int MAX_BYTES = 8 << 20;
    private static final String MODE = "rw-------";
    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private final SecureDir dir;

    LedgerFile(SecureDir dir) {
        this.dir = dir;
    }

    /**
     * What a read found: the ledger's first {@link #MAX_BYTES} bytes, and whether there was more
     * (only a ledger kiln did not write alone can be larger).
     */
    public record Contents(byte[] bytes, boolean cut) {
    }

    /**
     * The ledger, or empty when there is none yet.
     *
     * @throws FsException when it cannot be read, or is not kiln's own ({@link Errno#ELOOP} for a
     *                     link or a special file, {@link Errno#EPERM} for a wrong owner or mode)
     */
    public synchronized Optional<Contents> read() throws FsException {
        try {
            if (dir.kind(NAME) == EntryKind.MISSING) {
                return Optional.empty();
            }
            checkOwn();
            ByteBuffer buf = ByteBuffer.allocate(MAX_BYTES + 1);
            dir.read(NAME, buf);
            boolean cut = buf.position() > MAX_BYTES;
            byte[] bytes = java.util.Arrays.copyOf(buf.array(), Math.min(buf.position(), MAX_BYTES));
            return Optional.of(new Contents(bytes, cut));
        } catch (java.nio.file.ClosedDirectoryStreamException e) {
            throw new FsException(Errno.EBADF, "read", path() + " (the kept reports' directory is closed)", null);
        }
    }

    /**
     * Appends {@code lines} (whole lines, each ending in a newline) and syncs them to the device.
     * Should the ledger end in a line cut short (a crash mid-write), a newline is put first, so
     * that the cut line stays one damaged line and the new ones stay whole.
     *
     * @throws FsException when it cannot be written, is not kiln's own, or would grow past {@link #MAX_BYTES}
     */
    public synchronized void append(byte[] lines) throws FsException {
        try {
            boolean existed = dir.kind(NAME) != EntryKind.MISSING;
            if (existed) {
                checkOwn();
            }
            try (SeekableByteChannel ch = dir.stream().newByteChannel(Path.of(NAME), APPEND,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(MODE)))) {
                long size = ch.size();
                boolean torn = size > 0 && !endsInNewline();
                if (size + lines.length + (torn ? 1 : 0) > MAX_BYTES) {
                    throw new FsException(Errno.EFBIG, "append", path() + " (it holds " + size + " bytes, at most " + MAX_BYTES
                            + ": archive it, move it away, to record more)", null);
                }
                ByteBuffer out = ByteBuffer.allocate(lines.length + 1);
                if (torn) {
                    out.put((byte) '\n');
                }
                out.put(lines).flip();
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                ((java.nio.channels.FileChannel) ch).force(false);
            } catch (IOException e) {
                throw e instanceof FsException f ? f : NioErrors.translate(e, "append", Path.of(dir.path()), NAME, dir);
            }
        } catch (java.nio.file.ClosedDirectoryStreamException e) {
            throw new FsException(Errno.EBADF, "append", path() + " (the kept reports' directory is closed)", null);
        }
    }

    private boolean endsInNewline() throws IOException {
        try (SeekableByteChannel ch = dir.stream().newByteChannel(Path.of(NAME), SecureDir.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.position(ch.size() - 1).read(last);
            return last.get(0) == '\n';
        }
    }

    /** Refuses a ledger that is a link, not a regular file, or not kiln's (owner, mode 0600). */
    private void checkOwn() throws FsException {
        EntryKind kind = dir.kind(NAME);
        if (kind != EntryKind.FILE) {
            throw new FsException(Errno.ELOOP, "open", path(), null);
        }
        try {
            PosixFileAttributes a = dir.stream().getFileAttributeView(Path.of(NAME), PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes();
            String mode = PosixFilePermissions.toString(a.permissions());
            if (!a.owner().equals(dir.attributes().owner()) || !mode.equals(MODE)) {
                throw new FsException(Errno.EPERM, "open", path() + " (owned by " + a.owner().getName() + " with mode " + mode
                        + ", not kiln's ledger: its user's, " + MODE + ")", null);
            }
        } catch (IOException e) {
            throw e instanceof FsException f ? f : NioErrors.translate(e, "stat", Path.of(dir.path()), NAME, dir);
        }
    }

    /** Where the ledger is: for messages. */
    public String path() {
        return dir.path() + "/" + NAME;
    }
}
