package kiln.workspace;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
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
 * <p>The worker jar is used only if every entry in it is in {@code kiln.jar} with the same size
 * and CRC, and every class of {@code kiln.jar} in a package it has is in it: a worker jar left
 * from another build, or missing a class, would start workers that do not speak this
 * supervisor's protocol. It is read from the same directory as {@code kiln.jar}, which the
 * supervisor trusts already.
 */
public final class WorkerClassPath {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerClassPath.class);
    /** The worker jar's name, beside the supervisor's jar. */
    public static final String JAR = "kiln-worker.jar";
    private static final String MANIFEST = "META-INF/MANIFEST.MF";
    private static final String VERSIONS = "META-INF/versions/";

    private WorkerClassPath() {
    }

    private static final class Holder {
        static final String VALUE = choose(System.getProperty("java.class.path"));
    }

    /** This supervisor's workers' class path: chosen once, and said in the log if the worker jar is not used. */
    public static String get() {
        return Holder.VALUE;
    }

    /** The class path for workers of a supervisor started with {@code classPath}. */
    static String choose(String classPath) {
        if (classPath == null || classPath.isEmpty() || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return classPath; // run from classes (the tests) or a class path of several jars: the workers get the same
        }
        Path full = Path.of(classPath).toAbsolutePath();
        Path lean = full.resolveSibling(JAR);
        if (!Files.exists(lean, LinkOption.NOFOLLOW_LINKS)) {
            LOG.debug("no {} beside {}: workers use the whole jar", JAR, full);
            return classPath;
        }
        Optional<String> why = mismatch(full, lean);
        if (why.isPresent()) {
            LOG.warn("not using {}: {}; workers use {} (0.6 MiB more each)", lean, why.get(), full.getFileName());
            return classPath;
        }
        return lean.toString();
    }

    /** Why {@code lean} cannot stand in for {@code full} for a worker, or empty if it can. */
    static Optional<String> mismatch(Path full, Path lean) {
        if (!Files.isRegularFile(lean)) {
            return Optional.of("not a regular file");
        }
        try (ZipFile f = new ZipFile(full.toFile()); ZipFile l = new ZipFile(lean.toFile())) {
            Set<String> packages = new HashSet<>();
            int classes = 0;
            for (Enumeration<? extends ZipEntry> e = l.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || name.equals(MANIFEST)) {
                    continue;
                }
                ZipEntry same = f.getEntry(name);
                if (same == null) {
                    return Optional.of(name + " is not in " + full.getFileName() + " (another build?)");
                }
                if (same.getCrc() != entry.getCrc() || same.getSize() != entry.getSize()) {
                    return Optional.of(name + " differs from " + full.getFileName() + "'s (another build?)");
                }
                if (name.endsWith(".class")) {
                    packages.add(packageOf(name));
                    classes++;
                }
            }
            if (classes == 0 || l.getEntry("kiln/worker/WorkerMain.class") == null) {
                return Optional.of("it holds no worker");
            }
            for (Enumeration<? extends ZipEntry> e = f.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith(".class") && packages.contains(packageOf(name)) && l.getEntry(name) == null) {
                    // a versioned class too: without it the worker would quietly take the fallback
                    return Optional.of("it lacks " + name);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read it: " + e.getMessage());
        }
    }

    /** A class entry's package directory, without a multi-release jar's version prefix. */
    private static String packageOf(String name) {
        if (name.startsWith(VERSIONS)) {
            int end = name.indexOf('/', VERSIONS.length());
            name = end < 0 ? name : name.substring(end + 1);
        }
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }
}
