package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's kiln-worker.jar is the workers' class path, and it is whole: every class its
 * classes name (as a type, a field's or a method's) is in it or in the JDK, so no worker can
 * fail on a class left out.
 */
@Timeout(120)
final class WorkerClassPathIT {
    @TempDir
    Path tmp;

    private static Path workerJar() {
        return KilnProcess.jar().toAbsolutePath().resolveSibling("kiln-worker.jar");
    }

    @Test
    void everyClassTheWorkerJarNames_isInItOrInTheJdk() throws IOException {
        Set<String> own = new HashSet<>();
        Set<String> named = new TreeSet<>();
        try (ZipFile z = new ZipFile(workerJar().toFile())) {
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".class")) {
                    continue;
                }
                own.add(name.replaceFirst("^META-INF/versions/\\d+/", "").replace(".class", ""));
                try (InputStream in = z.getInputStream(entry)) {
                    named.addAll(classesNamedIn(new DataInputStream(in)));
                }
            }
        }
        assertTrue(own.contains("kiln/worker/WorkerMain"), own.toString());
        assertTrue(named.contains("java/lang/Object") && named.contains("org/slf4j/Logger"),
                "the reader sees what the classes name: " + named.size());
        List<String> missing = new ArrayList<>();
        for (String c : named) {
            if (!own.contains(c) && !inJdk(c)) {
                missing.add(c);
            }
        }
        assertEquals(List.of(), missing, "named by kiln-worker.jar's classes but in neither it nor the JDK");
    }

    /** The workers of a real run are started on its bytes, copied where only kiln's user can write, and the run is clean. */
    @Test
    void aRunsWorkers_haveAPrivateCopyOfTheWorkerJarAsTheirClassPath() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path copies = tmp.resolve("private");
        try (KilnProcess k = new KilnProcess(java.util.Map.of("KILN_JAVA_OPTIONS", "-Dkiln.private-dir=" + copies), "run", "--duration", "3s", "--workers", "2", "--dir", data.toString(),
                "--metrics-port", "0", "--min-free", "64m")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            List<ProcessHandle> workers = k.process.descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("kiln.worker.WorkerMain")).toList();
            assertEquals(2, workers.size(), workers.toString());
            for (ProcessHandle w : workers) {
                List<String> args = List.of(w.info().arguments().orElse(new String[0]));
                int cp = args.indexOf("-cp");
                assertTrue(cp >= 0, args.toString());
                Path copy = Path.of(args.get(cp + 1));
                assertEquals(copies, copy.getParent());
                assertArrayEquals(Files.readAllBytes(workerJar()), Files.readAllBytes(copy));
            }
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertFalse(k.output().contains("not using"), k.output());
            assertTrue(k.output().contains("verdict: PASS"), k.output());
        }
    }

    private static boolean inJdk(String internalName) {
        try {
            Class.forName(internalName.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return inSystemModule(internalName);
        }
    }

    /**
     * Whether a module of this JDK that is not resolved by default holds the class: the Vector API
     * (jdk.incubator.vector), which the workers get with --add-modules on JDK 22+.
     */
    private static boolean inSystemModule(String internalName) {
        String pkg = internalName.substring(0, Math.max(0, internalName.lastIndexOf('/'))).replace('/', '.');
        for (java.lang.module.ModuleReference ref : java.lang.module.ModuleFinder.ofSystem().findAll()) {
            if (!ref.descriptor().packages().contains(pkg)) {
                continue;
            }
            try (java.lang.module.ModuleReader r = ref.open()) {
                return r.find(internalName + ".class").isPresent();
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * The classes a class file names: its constant pool's classes and the types in its
     * descriptors (constant pool, fields, methods). JVMS 4.1-4.6.
     */
    static Set<String> classesNamedIn(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classes = new ArrayList<>();
        List<Integer> descriptors = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classes.add(in.readUnsignedShort());
                case 8, 16, 19, 20 -> {
                    int index = in.readUnsignedShort();
                    if (tag == 16) {
                        descriptors.add(index); // MethodType
                    }
                }
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                case 9, 10, 11, 17, 18 -> in.readInt();
                case 12 -> {
                    in.readUnsignedShort();
                    descriptors.add(in.readUnsignedShort()); // NameAndType
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        in.readUnsignedShort(); // access
        in.readUnsignedShort(); // this
        in.readUnsignedShort(); // super: in the pool's classes
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            in.readUnsignedShort();
        }
        for (int member = 0; member < 2; member++) { // fields, then methods
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                in.readUnsignedShort();
                in.readUnsignedShort();
                descriptors.add(in.readUnsignedShort());
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    in.readUnsignedShort();
                    in.skipNBytes(in.readInt());
                }
            }
        }
        Set<String> named = new HashSet<>();
        for (int c : classes) {
            String name = utf8[c];
            named.addAll(name.startsWith("[") ? typesIn(name) : Set.of(name));
        }
        for (int d : descriptors) {
            named.addAll(typesIn(utf8[d]));
        }
        return named;
    }

    /** The class names in a descriptor: each {@code L…;}, outside which every letter is a primitive type. */
    private static Set<String> typesIn(String descriptor) {
        Set<String> types = new HashSet<>();
        for (int i = 0; i < descriptor.length(); i++) {
            if (descriptor.charAt(i) == 'L') {
                int end = descriptor.indexOf(';', i);
                types.add(descriptor.substring(i + 1, end));
                i = end;
            }
        }
        return types;
    }
}
