package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Dir} on the JDK's {@link SecureDirectoryStream} ({@code openat}, {@code unlinkat},
 * {@code fstatat} underneath). Besides what every {@code Dir} does, it lists entries, tells their
 * type and reads and writes small files by name: what the lock, the probe and the sweep need.
 *
 * <p>{@code mkdir} has no descriptor-relative form in NIO, so {@link #makeDir} makes the directory
 * by path, then opens it relative to this descriptor and checks that both are the same directory
 * (same file key). Should someone replace a directory on that path in between, the new one is
 * refused as tampering; what such a race can leave is one empty directory (mode 0700) where the
 * replacement pointed.
 */
final class SecureDir implements Dir {
    static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    /** {@link Layout#FILE_MODE} as a creation attribute. */
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(Layout.FILE_MODE_TEXT));
    static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    private static final Path SELF = Path.of(".");

    private final SecureDirectoryStream<Path> stream;
    private final Path path;
    private final FileStore store;
    private final ReadOnlyCheck readOnly;

    private SecureDir(SecureDirectoryStream<Path> stream, Path path, FileStore store) {
        this.stream = stream;
        this.path = path;
        this.store = store;
        this.readOnly = new ReadOnlyCheck(() -> Files.getFileStore(path).isReadOnly(), store == null ? () -> false : store::isReadOnly,
                kiln.util.Ticker.SYSTEM);
    }

    /** Opens {@code dir} without following a link at its last name. */
    static SecureDir openRoot(Path dir) throws FsException {
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) {
            throw new FsException(Errno.EINVAL, "open", abs.toString(), "kiln does not write in /");
        }
        SecureDirectoryStream<Path> up;
        FileStore store;
        try {
            DirectoryStream<Path> s = Files.newDirectoryStream(parent);
            if (!(s instanceof SecureDirectoryStream)) {
                s.close();
                throw new FsException(Errno.OTHER, "open", parent.toString(),
                        "this file system has no descriptor-relative access (SecureDirectoryStream)");
            }
            up = (SecureDirectoryStream<Path>) s;
            store = Files.getFileStore(parent);
        } catch (IOException e) {
            throw e instanceof FsException f ? f : NioErrors.translate(e, "open", parent, null, null);
        }
        SecureDir root;
        try (SecureDir p = new SecureDir(up, parent, store)) {
            root = p.openDir(abs.getFileName().toString());
        }
        try {
            return new SecureDir(root.stream, abs, Files.getFileStore(abs)); // a mount point has its own store
        } catch (IOException e) {
            return root;
        }
    }

    @Override
    public SecureDir makeDir(String name) throws FsException {
        Path byPath = path.resolve(name);
        try {
            Files.createDirectory(byPath, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw NioErrors.translate(e, "mkdir", path, name, this);
        }
        SecureDir made = openDir(name);
        try {
            Object expected = Files.readAttributes(byPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            Object opened = made.stream.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
            if (expected == null || !expected.equals(opened)) {
                made.close();
                throw new FsException(Errno.ELOOP, "mkdir", byPath.toString(),
                        "the directory made by path is not the one under kiln's descriptor");
            }
        } catch (IOException e) {
            made.close();
            throw e instanceof FsException f ? f : NioErrors.translate(e, "mkdir", path, name, this);
        }
        return made;
    }

    @Override
    public SecureDir openDir(String name) throws FsException {
        try {
            SecureDirectoryStream<Path> s = stream.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
            return new SecureDir(s, path.resolve(name), store);
        } catch (IOException e) {
            throw NioErrors.translate(e, "open", path, name, this);
        }
    }

    @Override
    public void removeDir(String name) throws FsException {
        try {
            stream.deleteDirectory(Path.of(name));
        } catch (IOException e) {
            throw NioErrors.translate(e, "rmdir", path, name, this);
        }
    }

    @Override
    public void deleteFile(String name) throws FsException {
        try {
            stream.deleteFile(Path.of(name));
        } catch (IOException e) {
            throw NioErrors.translate(e, "delete", path, name, this);
        }
    }

    /** Creates {@code name} ({@code O_EXCL}, never following a link) holding {@code content}. */
    void writeNew(String name, ByteBuffer content, boolean fsync) throws FileIo.FileFailure {
        SeekableByteChannel ch;
        try {
            ch = stream.newByteChannel(Path.of(name), CREATE_NEW, FILE_MODE);
        } catch (IOException e) {
            throw new FileIo.FileFailure(NioErrors.translate(e, "create", path, name, this), false);
        }
        try (ch) {
            while (content.hasRemaining()) {
                ch.write(content);
            }
            if (fsync) {
                ((java.nio.channels.FileChannel) ch).force(false);
            }
        } catch (IOException e) {
            FsException failure = NioErrors.translate(e, "write", path, name, this);
            try {
                stream.deleteFile(Path.of(name));
            } catch (IOException gone) {
                // the partial file is counted as a write error either way
            }
            throw new FileIo.FileFailure(failure, true);
        }
    }

    /** Reads {@code name} into {@code dst} up to its limit, refusing a link or anything not a regular file. */
    int read(String name, ByteBuffer dst) throws FsException {
        EntryKind kind = kind(name);
        if (kind != EntryKind.FILE) {
            throw new FsException(kind == EntryKind.MISSING ? Errno.ENOENT : Errno.ELOOP, "read", path.resolve(name).toString(), null);
        }
        int start = dst.position();
        try (SeekableByteChannel ch = stream.newByteChannel(Path.of(name), READ)) {
            while (dst.hasRemaining() && ch.read(dst) > 0) {
                // until full or end of file
            }
        } catch (IOException e) {
            throw NioErrors.translate(e, "read", path, name, this);
        }
        return dst.position() - start;
    }

    /** The type of {@code name}, not following a link. */
    EntryKind kind(String name) {
        try {
            BasicFileAttributes a = stream.getFileAttributeView(Path.of(name), BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes();
            return a.isSymbolicLink() ? EntryKind.LINK : a.isDirectory() ? EntryKind.DIRECTORY : a.isRegularFile() ? EntryKind.FILE : EntryKind.OTHER;
        } catch (IOException e) {
            return EntryKind.MISSING;
        }
    }

    /**
     * Whether {@code name} carries the mark of kiln's create: a regular file owned by this
     * directory's owner with exactly {@link Layout#FILE_MODE}. Not following a link.
     */
    boolean hasKilnMode(String name) {
        try {
            PosixFileAttributes a = stream.getFileAttributeView(Path.of(name),
                    PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            return a.isRegularFile() && a.owner().equals(attributes().owner())
                    && PosixFilePermissions.toString(a.permissions()).equals(Layout.FILE_MODE_TEXT);
        } catch (IOException e) {
            return false;
        }
    }

    /** The identity (device and inode) of {@code name}, not following a link; null when missing. */
    Object fileKey(String name) {
        try {
            return stream.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes().fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Renames {@code from} to {@code to} within this directory ({@code renameat}). */
    void rename(String from, String to) throws FsException {
        try {
            stream.move(Path.of(from), stream, Path.of(to));
        } catch (IOException e) {
            throw NioErrors.translate(e, "rename", path, from, this);
        }
    }

    /**
     * Why this directory is not kiln's private one (owned by this user, mode 0700), or empty when it is.
     * Someone else's directory, or one open to others, could hand kiln planted content.
     */
    Optional<String> notPrivate() {
        try {
            PosixFileAttributes a = attributes();
            if (a.owner().getName().equals(System.getProperty("user.name"))
                    && PosixFilePermissions.toString(a.permissions()).equals("rwx------")) {
                return Optional.empty();
            }
            return Optional.of("owned by " + a.owner().getName() + " with mode "
                    + PosixFilePermissions.toString(a.permissions()) + ", not kiln's private directory");
        } catch (FsException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Owner and permissions of the directory itself, from its descriptor. */
    PosixFileAttributes attributes() throws FsException {
        try {
            return stream.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
        } catch (IOException e) {
            throw NioErrors.translate(e, "stat", path, null, this);
        }
    }

    /** The names in this directory now. */
    List<String> list() throws FsException {
        List<String> names = new ArrayList<>();
        try (SecureDirectoryStream<Path> again = stream.newDirectoryStream(SELF, LinkOption.NOFOLLOW_LINKS)) {
            for (Path p : again) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            throw NioErrors.translate(e instanceof IOException io ? io : ((java.nio.file.DirectoryIteratorException) e).getCause(),
                    "list", path, null, this);
        }
        return names;
    }

    /** The underlying stream, for the NIO writer. */
    SecureDirectoryStream<Path> stream() {
        return stream;
    }

    FileStore store() {
        return store;
    }

    /**
     * Whether this directory's file system is read-only now, for classifying a failure (EROFS):
     * see {@link ReadOnlyCheck}.
     */
    boolean readOnlyNow() {
        return readOnly.now();
    }

    @Override
    public String path() {
        return path.toString();
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            // closing a directory descriptor cannot lose data
        }
    }
}
