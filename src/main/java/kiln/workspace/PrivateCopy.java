package kiln.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files kiln has read and verified once, kept where only kiln's user (or root) can change them:
 * {@code <java.io.tmpdir>/kiln-<uid>/}, a directory made 0700 without following a link, used only
 * if it is this user's, 0700, and every directory above it keeps others out ({@link PathTrust}:
 * {@code /tmp} is sticky, so nobody else can rename it). What the worker JVMs load comes from
 * here, so a file swapped where it was read from after the check never reaches them.
 *
 * <p>A copy is named by its content's hash and left in place between runs when it holds the same
 * bytes: its path and time stay the same, which the workers' class-data archive, keyed by their
 * class path, needs. Thread-safe (each call works on its own descriptor).
 */
final class PrivateCopy {
    /** The system property naming the directory instead of {@code <java.io.tmpdir>/kiln-<uid>}, for tests. */
    static final String PROPERTY = "kiln.private-dir";
    /** How long a copy of another build is kept unread: a week (reads update its access time at least daily). */
    static final java.time.Duration STALE = java.time.Duration.ofDays(7);

    private PrivateCopy() {
    }

    /** Why a copy cannot be kept, in words. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The directory the copies go to. */
    static Path dir() {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.isEmpty()) {
            return Path.of(set).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "kiln-" + PathTrust.euid()).toAbsolutePath().normalize();
    }

    /**
     * {@code bytes} in the private directory under {@code name}: the file there if it holds them
     * already, else a new one (written under a temporary name, then renamed).
     *
     * @return the copy's path
     * @throws Refused when the directory is not private or cannot be written
     */
    static Path keep(String name, byte[] bytes) throws Refused {
        Path dir = dir();
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // made before (or a link or another user's: refused below)
        } catch (IOException e) {
            throw new Refused("cannot make " + dir + ": " + Errno.inWords(e, dir));
        }
        try (SecureDir d = SecureDir.openRoot(dir)) {
            Optional<String> why = d.notPrivate().or(() -> PathTrust.whyNotPrivateDir(dir));
            if (why.isPresent()) {
                throw new Refused(dir + ": " + why.get());
            }
            sweepStale(d, name, java.time.Instant.now());
            if (d.kind(name) == EntryKind.FILE && same(d, name, bytes)) {
                return dir.resolve(name);
            }
            String tmp = "." + name + "." + Integer.toUnsignedString(ThreadLocalRandom.current().nextInt(), 36);
            try {
                d.writeNew(tmp, ByteBuffer.wrap(bytes), true);
            } catch (FileIo.FileFailure e) {
                throw new Refused("cannot write " + dir.resolve(tmp) + ": " + e.getMessage());
            }
            try {
                d.rename(tmp, name);
            } catch (FsException e) {
                try {
                    d.deleteFile(tmp);
                } catch (FsException gone) {
                    // nothing more to do: the message says what failed
                }
                throw new Refused("cannot rename " + dir.resolve(tmp) + ": " + e.getMessage());
            }
            return dir.resolve(name);
        } catch (FsException e) {
            throw new Refused("cannot open " + dir + ": " + e.getMessage()
                    + (e.errno().isTampering() ? " (a link or not a directory: not kiln's)" : ""));
        }
    }

    /**
     * Removes the copies of other builds (and temporary names a kill left) that nothing has read or
     * written for {@link #STALE}: one per build would otherwise pile up, on a tmpfs in memory. A
     * kiln still running on one it removed writes it again before its next worker starts.
     */
    static void sweepStale(SecureDir d, String keep, java.time.Instant now) {
        try {
            for (String n : d.list()) {
                if (n.equals(keep) || !(n.startsWith("kiln-") && n.endsWith(".jar") || n.startsWith(".kiln-"))) {
                    continue;
                }
                java.nio.file.attribute.BasicFileAttributes a;
                try {
                    a = d.stream().getFileAttributeView(Path.of(n), java.nio.file.attribute.BasicFileAttributeView.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS).readAttributes();
                } catch (IOException e) {
                    continue; // removed meanwhile
                }
                java.time.Instant last = a.lastAccessTime().toInstant().isAfter(a.lastModifiedTime().toInstant())
                        ? a.lastAccessTime().toInstant() : a.lastModifiedTime().toInstant();
                if (a.isRegularFile() && last.isBefore(now.minus(STALE))) {
                    d.deleteFile(n);
                }
            }
        } catch (FsException e) {
            // an old copy left is only space: the next start tries again
        }
    }

    /** Removes the copy {@code name} (one that failed its check), if it is there; quietly otherwise. */
    static void discard(String name) {
        try (SecureDir d = SecureDir.openRoot(dir())) {
            if (d.kind(name) == EntryKind.FILE) {
                d.deleteFile(name);
            }
        } catch (FsException e) {
            // a copy that failed its check is never a class path: leaving it does no harm
        }
    }

    private static boolean same(SecureDir d, String name, byte[] bytes) {
        ByteBuffer have = ByteBuffer.allocate(bytes.length + 1);
        try {
            int n = d.read(name, have);
            return n == bytes.length && Arrays.equals(have.array(), 0, n, bytes, 0, n);
        } catch (FsException e) {
            return false;
        }
    }
}
