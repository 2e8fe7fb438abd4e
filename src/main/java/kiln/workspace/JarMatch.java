package kiln.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Whether a jar holds the very classes kiln runs: a lean worker jar against {@code kiln.jar}
 * (every entry the same bytes, compared, not their CRC; every class of a package it has; a
 * manifest the build writes), or a copy of {@code kiln.jar} against what this JVM loaded. Stateless.
 */
final class JarMatch {
    private JarMatch() {
    }

    private static final String MANIFEST = "META-INF/MANIFEST.MF";
    private static final String VERSIONS = "META-INF/versions/";
    /** The only main attributes a worker jar's manifest may have: those the build writes. */
    static final Set<String> MANIFEST_ATTRIBUTES = Set.of("Manifest-Version", "Created-By", "Build-Jdk-Spec", "Build-Jdk",
            "Built-By", "Multi-Release", "Enable-Native-Access", "Implementation-Version", "Implementation-Title",
            "Implementation-Vendor", "Specification-Version", "Specification-Title", "Specification-Vendor");
    /** Why {@code jar} differs from what this JVM's class loader holds, entry by entry; empty when it does not. */
    static Optional<String> differsFromLoaded(Path jar) throws IOException {
        ClassLoader loader = WorkerClassPath.class.getClassLoader();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                try (InputStream mine = z.getInputStream(entry); InputStream loaded = loader.getResourceAsStream(entry.getName())) {
                    if (loaded == null || !sameBytes(mine, loaded)) {
                        return Optional.of(entry.getName() + " differs");
                    }
                }
            }
        }
        return Optional.empty();
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
                if (name.equals(MANIFEST)) {
                    Optional<String> why = manifestDoubt(l, entry);
                    if (why.isPresent()) {
                        return why;
                    }
                    continue;
                }
                if (entry.isDirectory() && entry.getSize() <= 0) {
                    continue;
                }
                ZipEntry same = f.getEntry(name);
                if (same == null) {
                    return Optional.of(name + " is not in " + full.getFileName() + " (another build?)");
                }
                if (same.getSize() != entry.getSize() || !sameBytes(f, same, l, entry)) {
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
                if (name.endsWith(".class") && packages.contains(packageOf(name)) && l.getEntry(name) == null
                        && SUPERVISOR_ONLY.stream().noneMatch(name::startsWith)) {
                    // a versioned class too: without it the worker would quietly take the fallback
                    return Optional.of("it lacks " + name);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read it: " + e.getMessage());
        }
    }

    /** Why a worker jar's manifest is not one the build writes: an attribute it never writes, or a section per entry. */
    private static Optional<String> manifestDoubt(ZipFile jar, ZipEntry entry) throws IOException {
        java.util.jar.Manifest m;
        try (InputStream in = jar.getInputStream(entry)) {
            m = new java.util.jar.Manifest(in);
        }
        for (Object key : m.getMainAttributes().keySet()) {
            if (!MANIFEST_ATTRIBUTES.contains(key.toString())) {
                return Optional.of("its manifest has " + key + " (" + m.getMainAttributes().getValue(key.toString())
                        + "), which kiln's build never writes" + (key.toString().equals("Class-Path")
                        ? ": it would add other jars to the workers' class path" : ""));
            }
        }
        if (!m.getEntries().isEmpty()) {
            return Optional.of("its manifest has sections per entry (" + m.getEntries().keySet().iterator().next()
                    + "), which kiln's build never writes");
        }
        return Optional.empty();
    }

    private static boolean sameBytes(ZipFile a, ZipEntry ea, ZipFile b, ZipEntry eb) throws IOException {
        try (InputStream x = a.getInputStream(ea); InputStream y = b.getInputStream(eb)) {
            return sameBytes(x, y);
        }
    }

    private static boolean sameBytes(InputStream x, InputStream y) throws IOException {
        byte[] bx = new byte[8192];
        byte[] by = new byte[8192];
        while (true) {
            int nx = x.readNBytes(bx, 0, bx.length);
            int ny = y.readNBytes(by, 0, by.length);
            if (nx != ny || !Arrays.equals(bx, 0, nx, by, 0, ny)) {
                return false;
            }
            if (nx < bx.length) {
                return true;
            }
        }
    }

    /**
     * Classes of the workers' packages that the build leaves out of the worker jar (the pom's
     * worker-jar filter says the same): the supervisor's inode reader on JDK 17, which needs JNA, and
     * its JSON, which needs Typesafe Config.
     */
    static final java.util.List<String> SUPERVISOR_ONLY = java.util.List.of("kiln/workspace/JnaStatvfs", "kiln/util/Json");

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
