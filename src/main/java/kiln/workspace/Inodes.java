package kiln.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The inodes of the file system holding a path, as {@code statvfs(3)} counts them: through the
 * Foreign Function &amp; Memory API on JDK 22+ ({@code kiln.workspace.NativeStatvfs}), else through
 * JNA where it is on the class path (the supervisor's, for OSHI), else by {@code stat -f} of
 * coreutils (the JDK has no inode count in NIO), a root-owned binary that no one else may write. A file system that counts no inodes (btrfs, tmpfs mounted with
 * {@code nr_inodes=0}) reads as {@link Count#NONE}: there is nothing to hold a floor against.
 * Thread-safe; each call reads anew.
 */
public final class Inodes {
    private static final String NATIVE_CLASS = "kiln.workspace.NativeStatvfs";
    private static final String JNA_CLASS = "kiln.workspace.JnaStatvfs";
    private static final List<String> STAT = List.of("/usr/bin/stat", "/bin/stat");
    private static final Duration STAT_DEADLINE = Duration.ofSeconds(5);

    /**
     * One reading.
     *
     * @param total inodes of the file system, 0 when it does not count them
     * @param free  inodes free to a new file (f_favail, else f_ffree)
     */
    public record Count(long total, long free) {
        /** A file system without an inode count. */
        public static final Count NONE = new Count(0, 0);

        /** Whether the file system counts its inodes at all. */
        public boolean counted() {
            return total > 0;
        }

        /**
         * A reading from {@code statvfs}'s {@code f_files}, {@code f_ffree} and {@code f_favail}:
         * f_favail (free to an unprivileged user) where the file system fills it in, else f_ffree;
         * {@link #NONE} where it counts no inodes.
         */
        public static Count ofStatvfs(long files, long ffree, long favail) {
            return of(files, favail > 0 || ffree == 0 ? favail : ffree);
        }

        /** {@code total} and {@code free} as read, free kept within 0..total; {@link #NONE} for no count. */
        public static Count of(long total, long free) {
            return total <= 0 ? NONE : new Count(total, Math.max(0, Math.min(free, total)));
        }
    }

    /** How one reading is taken: {@code statvfs} by FFM, or by {@code stat -f}. */
    public interface Reader {
        /** @throws IOException when the path's file system cannot be read */
        Count read(Path path) throws IOException;

        /** How long a reading takes to be worth repeating: ten times a second natively, once a second by a process. */
        Duration interval();
    }

    private static final Reader BEST = loadNative().or(Inodes::loadJna).orElseGet(StatCommand::new);

    private Inodes() {
    }

    /** The reader this runtime has: native on JDK 22+, else JNA where present, else the {@code stat} command. */
    public static Reader reader() {
        return BEST;
    }

    /** The {@code stat -f} reader, as a JDK 17 worker (no JNA on its class path) reads: for tests of that path. */
    public static Reader statCommand() {
        return new StatCommand();
    }

    /** One reading of the file system holding {@code path} (or its nearest existing ancestor). */
    public static Count read(Path path) throws IOException {
        return BEST.read(kiln.util.Dirs.existingAncestor(path.toAbsolutePath().normalize()));
    }

    private static Optional<Reader> loadNative() {
        if (Runtime.version().feature() < 22) {
            return Optional.empty();
        }
        try {
            return Optional.of((Reader) Class.forName(NATIVE_CLASS).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty(); // not in this build, or native access denied
        }
    }

    private static Optional<Reader> loadJna() {
        try {
            var c = Class.forName(JNA_CLASS).getDeclaredConstructor();
            c.setAccessible(true);
            return Optional.of((Reader) c.newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty(); // the worker jar has no JNA
        }
    }

    /** {@code stat -f -c "%c %d" -- path}: total and free file nodes. */
    static final class StatCommand implements Reader {
        private final Path binary = trusted();

        @Override
        public Count read(Path path) throws IOException {
            if (binary == null) {
                throw new IOException("no stat command owned by root and writable by no one else in " + STAT);
            }
            Process p = new ProcessBuilder(binary.toString(), "-f", "-c", "%c %d", "--", path.toString())
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(4096), StandardCharsets.US_ASCII).strip();
                if (!p.waitFor(STAT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(binary + " -f did not answer within " + STAT_DEADLINE.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted reading the inodes of " + path);
            }
            String[] f = out.split("\\s+");
            if (p.exitValue() != 0 || f.length != 2) {
                throw new IOException(binary + " -f " + path + " exited " + p.exitValue() + ": " + out);
            }
            try {
                long total = Long.parseLong(f[0]);
                long free = Long.parseLong(f[1]);
                return Count.of(total, free);
            } catch (NumberFormatException e) {
                throw new IOException(binary + " -f " + path + " printed " + out);
            }
        }

        @Override
        public Duration interval() {
            return Duration.ofSeconds(1);
        }

        @Override
        public String toString() {
            return "stat -f";
        }

        /** A stat binary kiln (often root) may run: owned by root, a regular file, writable by no one else. */
        private static Path trusted() {
            for (String s : STAT) {
                Path p = Path.of(s);
                try {
                    Path real = p.toRealPath();
                    PosixFileAttributes a = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    var perms = a.permissions();
                    if (a.isRegularFile() && a.owner().getName().equals("root") && !perms.contains(PosixFilePermission.GROUP_WRITE)
                            && !perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                        return real;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // try the next
                }
            }
            return null;
        }
    }
}
