package kiln.workspace;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker JVMs' class-data archive: kiln's own classes, parsed and verified once, mapped by
 * every worker. Kept in {@code <dir>/.kiln-cds/}, a directory kiln makes private (0700) and holds
 * open; its archive is named after the JDK and kiln build it fits. Two kinds, by the JDK:
 * <ul>
 * <li>before JDK 25, a dynamic CDS archive on top of the JDK's own: the first worker of a run
 * without one writes it as it exits ({@code -XX:ArchiveClassesAtExit}), the next runs map it
 * ({@code -XX:SharedArchiveFile});</li>
 * <li>from JDK 25, an AOT cache (JEP 483, 514): the first worker records what it loads and links
 * ({@code -XX:AOTMode=record}), the supervisor assembles the cache from that after the run
 * ({@link #assemblyOptions}), the next runs map it ({@code -XX:AOTCache}). It holds only the
 * classes a worker uses, JDK ones included, already linked: 3 MiB less PSS per worker than the
 * two archives (34-35 MiB against 37-38 at two workers, src/bench/startup-memory.sh). The native
 * file path's classes (a multi-release jar's versioned entries) stay out of either kind.</li>
 * </ul>
 *
 * <p>The JVM opens the archive by path. The path given is {@code /proc/<supervisor>/fd/<n>/…}:
 * it goes through the descriptor kiln holds, not through {@code <dir>}, so nobody who can write
 * in {@code <dir>} can swap in a link or an archive of their own, whatever the directories above
 * {@code <dir>} are. A cache directory that is a link, not kiln's own (owner) or open to others is
 * not used; nor is an archive in it that is not a regular file of kiln's user or root, writable
 * by no one else and with one name ({@link #ready}). Thread-safe.
 */
public final class ClassDataCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClassDataCache.class);
    private static final String PREFIX = "worker-";
    private static final String PARTIAL = ".partial";
    /** The training run's record of an AOT cache, kept until the cache is assembled from it. */
    private static final String CONFIG = ".config";

    private final SecureDir dir;
    private final Path through;
    private final boolean aot;
    private final String name;
    /** Whether a foreign archive at {@link #name} was said already: once per cache, not per worker. */
    private volatile boolean refusedSaid;

    private ClassDataCache(SecureDir dir, Path through, boolean aot) {
        this.dir = dir;
        this.through = through;
        this.aot = aot;
        this.name = PREFIX + buildKey() + (aot ? ".aot" : ".jsa");
    }

    /** Whether this JDK's workers take an AOT cache rather than a dynamic archive: 25 and newer. */
    public static boolean aotCache(Runtime.Version v) {
        return v.feature() >= 25;
    }

    /** Whether the workers take an AOT cache ({@link #aotCache}). */
    public boolean aot() {
        return aot;
    }

    /** The cache in {@code root}, made if missing; empty when it cannot be used safely (said in the log). */
    static Optional<ClassDataCache> open(SecureDir root) {
        return open(root, aotCache(Runtime.version()));
    }

    /** {@link #open(SecureDir)} with the kind of archive given, for tests of both on any JDK. */
    static Optional<ClassDataCache> open(SecureDir root, boolean aot) {
        SecureDir dir = null;
        try {
            dir = (SecureDir) Dir.makeOrOpen(root, Layout.CLASS_DATA_DIR).dir();
            Optional<String> why = dir.notPrivate();
            if (why.isPresent()) {
                LOG.warn("not using {}: {}", dir.path(), why.get());
                dir.close();
                return Optional.empty();
            }
            Optional<Path> through = descriptorPath(dir);
            if (through.isEmpty()) {
                dir.close();
                return Optional.empty(); // no /proc: workers start without the archive
            }
            return Optional.of(new ClassDataCache(dir, through.get(), aot));
        } catch (FsException e) {
            if (dir != null) {
                dir.close();
            }
            LOG.warn("not using the class-data cache: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** JDK, VM and the workers' class path (each jar's size and time): an archive fits only the build that wrote it. */
    static String buildKey() {
        StringBuilder b = new StringBuilder(System.getProperty("java.home")).append('|')
                .append(System.getProperty("java.vm.version"));
        String classPath;
        try {
            classPath = WorkerClassPath.get();
        } catch (java.io.UncheckedIOException e) {
            classPath = ""; // no worker will start: the launcher says why
        }
        for (String entry : classPath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            try {
                b.append('|').append(p.toAbsolutePath()).append(':').append(Files.size(p)).append(':')
                        .append(Files.getLastModifiedTime(p).toMillis());
            } catch (IOException e) {
                b.append('|').append(entry);
            }
        }
        CRC32 crc = new CRC32();
        crc.update(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Runtime.version().feature() + "-" + Long.toHexString(crc.getValue());
    }

    /**
     * Whether a finished archive for this build is there that no one else could have written: the
     * JVM maps it as code. It must be a regular file of kiln's user (or root) that no one else may
     * write, with no other name (a hard link); one that is not is said once and replaced by the
     * next run's.
     */
    public boolean ready() {
        if (dir.kind(name) != EntryKind.FILE) {
            return false;
        }
        Optional<String> why = whyNotOurs(name);
        if (why.isPresent()) {
            if (!refusedSaid) {
                refusedSaid = true;
                LOG.warn("not using the class-data archive {}/{}: {}; the next run writes its own", dir.path(), name, why.get());
            }
            return false;
        }
        return true;
    }

    /**
     * Makes file {@code n}, which a worker or the assembly JVM wrote, readable by its owner only: the
     * JVM creates it 0666 less the umask, so under {@code umask 000} it would be world-writable and
     * then refused. Only a regular file of this user with one name, not following a link.
     */
    private void narrow(String n) {
        try {
            java.util.Map<String, Object> a = Files.readAttributes(through.resolve(n), "unix:uid,nlink",
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (dir.kind(n) == EntryKind.FILE && (Integer) a.get("uid") == PathTrust.euid() && (Integer) a.get("nlink") == 1) {
                dir.stream().getFileAttributeView(java.nio.file.Path.of(n), java.nio.file.attribute.PosixFileAttributeView.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).setPermissions(
                        java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
            }
        } catch (IOException | RuntimeException e) {
            // left as it is: the check after says whether it will do
        }
    }

    /** Why file {@code n} in the cache is not kiln's own archive; read through the descriptor, not following a link. */
    private Optional<String> whyNotOurs(String n) {
        try {
            java.util.Map<String, Object> a = Files.readAttributes(through.resolve(n), "unix:uid,mode,nlink",
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            int uid = (Integer) a.get("uid");
            int mode = (Integer) a.get("mode");
            int links = (Integer) a.get("nlink");
            int self = PathTrust.euid();
            if (uid != 0 && uid != self) {
                return Optional.of("owned by uid " + uid + ", not by root or this user (uid " + self + ")");
            }
            if ((mode & 0022) != 0) {
                return Optional.of(String.format(java.util.Locale.ROOT, "writable by its group or by others (mode %04o)", mode & 07777));
            }
            if (links != 1) {
                return Optional.of("it has " + links + " names (a hard link)");
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot read its owner and mode: " + e.getMessage());
        }
    }

    /**
     * JVM options for a worker: map the archive when it is ready; otherwise, for the one worker
     * that writes it ({@code writer}), write it (dynamic) or record what goes in it (AOT) at exit,
     * under a temporary name.
     */
    public List<String> jvmOptions(boolean writer) {
        if (ready()) {
            return List.of((aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + through.resolve(name));
        }
        if (!writer) {
            return List.of();
        }
        return aot ? List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + through.resolve(name + CONFIG))
                : List.of("-XX:ArchiveClassesAtExit=" + through.resolve(name + PARTIAL));
    }

    /**
     * After a run whose writer exited cleanly, the options of the JVM that assembles the AOT cache
     * from what the writer recorded ({@code -XX:AOTMode=create}), under a temporary name that
     * {@link #runEnded} gives the real one. Empty for a dynamic archive (its writer wrote it) and
     * when nothing was recorded.
     */
    public Optional<List<String>> assemblyOptions() {
        if (!aot || ready() || dir.kind(name + CONFIG) != EntryKind.FILE) {
            return Optional.empty();
        }
        narrow(name + CONFIG);
        Optional<String> why = whyNotOurs(name + CONFIG);
        if (why.isPresent()) {
            LOG.warn("not assembling the AOT cache from {}/{}{}: {}", dir.path(), name, CONFIG, why.get());
            return Optional.empty(); // what goes into code the workers map is only what kiln's own worker recorded
        }
        return Optional.of(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + through.resolve(name + CONFIG),
                "-XX:AOTCache=" + through.resolve(name + PARTIAL)));
    }

    /**
     * After the run: a complete new archive (its writer, or for an AOT cache its assembly, exited
     * cleanly) takes the real name; a partial one, a training record and archives of other builds
     * are removed.
     */
    public void runEnded(boolean writerExitedCleanly) {
        try {
            for (String n : dir.list()) {
                if (n.equals(name + PARTIAL) && writerExitedCleanly && !ready()) {
                    narrow(n);
                    dir.rename(n, name);
                    LOG.info("worker class-data archive written: {}/{}", dir.path(), name);
                } else if (n.startsWith(PREFIX) && !n.equals(name) && dir.kind(n) == EntryKind.FILE) {
                    dir.deleteFile(n); // a partial archive, or one for another JDK or kiln build
                }
            }
        } catch (FsException e) {
            LOG.warn("class-data cache: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        dir.close();
    }

    @Override
    public String toString() {
        return dir.path() + "/" + name + (ready() ? "" : " (not written yet)");
    }

    /**
     * A path to {@code dir} itself that walks through no name anyone else can change:
     * {@code /proc/<pid>/fd/<n>}, the descriptor this process holds. Valid while it stays open
     * and this process lives: what a worker JVM, which opens its archive by path, is given.
     */
    static Optional<Path> descriptorPath(SecureDir dir) {
        Object self = dir.fileKey(".");
        if (self == null) {
            return Optional.empty();
        }
        try (java.nio.file.DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    // follows the magic link to the open directory itself, not to any path
                    java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(fd,
                            java.nio.file.attribute.BasicFileAttributes.class);
                    if (a.isDirectory() && self.equals(a.fileKey())) {
                        return Optional.of(Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd",
                                fd.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // closed meanwhile, or not ours to stat
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
