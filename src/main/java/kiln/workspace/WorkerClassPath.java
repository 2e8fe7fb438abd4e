package kiln.workspace;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class path a worker JVM gets: {@code kiln-worker.jar} when it lies beside the supervisor's
 * {@code kiln.jar} and holds the same build of the worker's classes, else the supervisor's own.
 * The worker jar (the build makes both) holds only what a worker loads: kiln's worker, stressor,
 * link, workspace and util packages and SLF4J, 180 entries against 6,000. A JVM keeps its class
 * path jars' central directories on the heap, so each worker keeps 0.6 MiB less (measured with
 * {@code jcmd GC.class_histogram}); the build's {@code WorkerClassPathIT} checks that every class
 * the jar's classes refer to is in it or in the JDK.
 *
 * <p>Workers run as kiln does (root, often), so the worker jar is code kiln loads, and kiln loads
 * only what cannot be changed under it. The worker jar is used only if
 * <ul>
 * <li>it and {@code kiln.jar} are owned by root or this user and writable by no one else, and so
 * is every directory above them ({@link PathTrust}; a sticky one like {@code /tmp} with the jar
 * in it theirs will do): a jar another user planted beside a {@code kiln.jar} copied into a
 * shared directory is not used, and the log says why;</li>
 * <li>its manifest has nothing but the attributes the build writes ({@link JarMatch#MANIFEST_ATTRIBUTES}):
 * a {@code Class-Path} would add any jar to the workers' class path;</li>
 * <li>every other entry in it is in {@code kiln.jar} with the same bytes (compared, not their
 * CRC, which anyone can forge), and every class of {@code kiln.jar} in a package it has is in it:
 * a worker jar left from another build, or missing a class, would start workers that do not speak
 * this supervisor's protocol.</li>
 * </ul>
 * It is read once, its bytes written into kiln's private directory ({@link PrivateCopy}) and
 * checked there, in the copy the workers are started from: a jar swapped beside {@code kiln.jar}
 * after the check (an upgrade, or anyone) never reaches a worker, a restarted one included.
 *
 * <p>Without a usable worker jar the workers get {@code kiln.jar}, by path. If others could
 * replace that (a directory above it open to them), it is said loudly, and the workers get a
 * private copy of it instead, each of whose entries is checked against what this JVM loaded.
 */
public final class WorkerClassPath {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerClassPath.class);
    /** The worker jar's name, beside the supervisor's jar. */
    public static final String JAR = "kiln-worker.jar";
    /** Larger than any worker jar the build makes (250 KB): a bigger one is not read into memory. */
    static final long MAX_WORKER_JAR_BYTES = 16L << 20;

    private WorkerClassPath() {
    }

    private static final class Holder {
        static final Choice VALUE = choose(System.getProperty("java.class.path"));
    }

    /** Writes a private copy again; its path. */
    @FunctionalInterface
    interface Remake {
        Path again() throws IOException;
    }

    /**
     * The class path chosen, and for a private copy how to make it again should it be removed
     * meanwhile (a cleaner of old files in {@code /tmp}): a long-running daemon's next worker must
     * still start, on the same checked bytes.
     *
     * @param remake  null unless the class path is a private copy
     * @param refusal why no worker may start, or null
     */
    record Choice(String classPath, Remake remake, String refusal) {
        static Choice of(String classPath) {
            return new Choice(classPath, null, null);
        }

        synchronized String current() {
            if (refusal != null) {
                throw new java.io.UncheckedIOException(new IOException(refusal));
            }
            if (remake == null || Files.isRegularFile(Path.of(classPath), LinkOption.NOFOLLOW_LINKS)) {
                return classPath;
            }
            try {
                Path again = remake.again();
                LOG.warn("the workers' private copy of their class path was gone: written again at {}", again);
                return again.toString();
            } catch (IOException e) {
                LOG.warn("the workers' private copy of their class path is gone and cannot be written again: {}", e.getMessage());
                return classPath;
            }
        }
    }

    /**
     * This supervisor's workers' class path: chosen once, and said in the log if the worker jar is not used.
     *
     * @throws java.io.UncheckedIOException when workers must not be started: as root, from a
     *                                      {@code kiln.jar} others could replace, of which no private copy could be made
     */
    public static String get() {
        return Holder.VALUE.current();
    }

    /** The class path for workers of a supervisor started with {@code classPath}. */
    static Choice choose(String classPath) {
        if (classPath == null || classPath.isEmpty() || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return Choice.of(classPath); // run from classes (the tests) or a class path of several jars: the workers get the same
        }
        Path full = Path.of(classPath).toAbsolutePath();
        Path lean = full.resolveSibling(JAR);
        Optional<String> fullDoubt = PathTrust.whyNotTrusted(full);
        if (!Files.exists(lean, LinkOption.NOFOLLOW_LINKS)) {
            LOG.debug("no {} beside {}: workers use the whole jar", JAR, full);
        } else {
            Optional<String> why = fullDoubt.map(d -> "kiln.jar could be changed by others: " + d)
                    .or(() -> PathTrust.whyNotTrusted(lean));
            Choice chosen = null;
            if (why.isEmpty()) {
                try {
                    chosen = verifiedCopy(full, lean);
                } catch (Unusable e) {
                    why = Optional.of(e.getMessage());
                }
            }
            if (chosen != null) {
                return chosen;
            }
            LOG.warn("not using {}: {}; workers use {} (0.6 MiB more each)", lean, why.get(), full.getFileName());
        }
        if (fullDoubt.isEmpty()) {
            return Choice.of(classPath);
        }
        return copyOfOwnJar(full, fullDoubt.get());
    }

    /** Why a jar cannot be the workers' class path, in words. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code lean} read once, its bytes kept privately and checked there; the copy is the class path. */
    static Choice verifiedCopy(Path full, Path lean) throws Unusable {
        byte[] bytes = readOnce(lean);
        String name = "kiln-worker-" + sha256(bytes).substring(0, 16) + ".jar";
        Path copy;
        try {
            copy = PrivateCopy.keep(name, bytes);
        } catch (PrivateCopy.Refused e) {
            throw new Unusable("no private place to keep its verified bytes: " + e.getMessage());
        }
        Optional<String> why = JarMatch.mismatch(full, copy);
        if (why.isPresent()) {
            PrivateCopy.discard(name);
            throw new Unusable(why.get());
        }
        return new Choice(copy.toString(), () -> PrivateCopy.keep(name, bytes), null);
    }

    /** The bytes of {@code jar}, read through one descriptor opened without following a link. */
    static byte[] readOnce(Path jar) throws Unusable {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(jar.toRealPath(),
                java.util.Set.of(java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            if (ch.size() > MAX_WORKER_JAR_BYTES) {
                throw new Unusable("it is larger than any worker jar (" + ch.size() + " bytes)");
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) ch.size());
            while (b.hasRemaining() && ch.read(b) > 0) {
                // until the size read at open
            }
            if (b.hasRemaining() || ch.read(java.nio.ByteBuffer.allocate(1)) > 0) {
                throw new Unusable("it changed while it was read");
            }
            return b.array();
        } catch (IOException e) {
            throw new Unusable("cannot read it: " + Errno.inWords(e, jar));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Workers' class path when {@code kiln.jar} could be replaced by others ({@code doubt} says
     * how): a private copy whose every entry is what this JVM loaded from it, else (no such copy
     * can be made) the jar itself, which a root kiln refuses.
     */
    static Choice copyOfOwnJar(Path full, String doubt) {
        LOG.warn("{} could be replaced by other users: {}. Install kiln where only root can write (e.g. /opt/kiln);"
                + " workers get a private copy of the jar this process runs", full, doubt);
        try {
            Path copy = checkedCopyOfOwnJar(full);
            // 11 MiB are not kept on the heap: a copy removed meanwhile is read and checked again
            return new Choice(copy.toString(), () -> checkedCopyOfOwnJar(full), null);
        } catch (IOException e) {
            LOG.warn("cannot keep a private copy of {}: {}", full, e.getMessage());
        }
        if (PathTrust.euid() == 0) {
            return new Choice(null, null, "refusing to start root workers from " + full + ": " + doubt);
        }
        return Choice.of(full.toString());
    }

    /** {@code full} copied privately, every entry of the copy checked against what this JVM loaded from it. */
    private static Path checkedCopyOfOwnJar(Path full) throws IOException {
        byte[] bytes = Files.readAllBytes(full);
        String name = "kiln-" + sha256(bytes).substring(0, 16) + ".jar";
        Path copy = PrivateCopy.keep(name, bytes);
        Optional<String> why = JarMatch.differsFromLoaded(copy);
        if (why.isPresent()) {
            PrivateCopy.discard(name);
            throw new IOException(full + " is not the jar this process runs: " + why.get());
        }
        return copy;
    }
}
