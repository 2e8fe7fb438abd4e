package kiln.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kiln …} as a child process, started as operators start it: through the launcher
 * ({@code src/main/sh/kiln}, which execs the JVM, so the process is the supervisor itself) on the
 * jar under test and the JVM running the tests. Both pipes drained and kept.
 */
final class KilnProcess implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();
    private final List<Thread> drains = new ArrayList<>();

    KilnProcess(String... args) throws IOException {
        this(Map.of(), args);
    }

    /** With {@code env} added to the environment. */
    KilnProcess(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(defaultSignals());
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(environment());
        pb.environment().putAll(env);
        if (env.containsKey("KILN_JAVA_OPTIONS")) { // a test's own options, and still the build's private directory
            pb.environment().put("KILN_JAVA_OPTIONS", environment().get("KILN_JAVA_OPTIONS") + " " + env.get("KILN_JAVA_OPTIONS"));
        }
        process = pb.start();
        process.getOutputStream().close();
        drains.add(drain(process.getInputStream(), out, "out"));
        drains.add(drain(process.getErrorStream(), err, "err"));
    }

    /** The version the jar under test says it is (its manifest), not one written into the tests. */
    static String version() {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar().toFile())) {
            return j.getManifest().getMainAttributes().getValue("Implementation-Version");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * What the launcher is told in every test: the jar under test, the JVM running the tests, and no
     * cache directory (no supervisor archive in /var/cache/kiln from a test; LauncherIT gives one),
     * and the verified copies of the worker jar kept in the build's own directory, not in
     * {@code /tmp/kiln-<uid>} where they would outlive the build (a test's own
     * {@code -Dkiln.private-dir}, given later, wins).
     */
    static Map<String, String> environment() {
        return Map.of("KILN_JAR", jar().toAbsolutePath().toString(), "JAVA", javaBinary(), "KILN_CACHE_DIR", "",
                "KILN_JAVA_OPTIONS", "-Dkiln.private-dir=" + Path.of("target", "kiln-private").toAbsolutePath());
    }

    /**
     * The command that starts what follows it with every signal's default disposition: a build run
     * in the background ({@code nohup mvn verify &}) ignores SIGINT and SIGHUP, its test JVMs and
     * their children inherit that, a JVM cannot take an ignored SIGINT back, and the tests that
     * send kiln SIGINT or SIGHUP failed. GNU env's {@code --default-signal} (coreutils 8.31) resets
     * them and execs, so the pid stays kiln's; without it, nothing is put in front.
     */
    static List<String> defaultSignals() {
        return DefaultSignals.PREFIX;
    }

    private static final class DefaultSignals {
        static final List<String> PREFIX = probe();

        private static List<String> probe() {
            try {
                Process p = new ProcessBuilder("env", "--default-signal", "true").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor() == 0 ? List.of("env", "--default-signal") : List.of();
            } catch (IOException e) {
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }

    static Path launcher() {
        return Path.of("src/main/sh/kiln").toAbsolutePath();
    }

    static Path jar() {
        return Path.of(System.getProperty("kiln.jar", "target/kiln.jar"));
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static Thread drain(java.io.InputStream in, List<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "it-drain-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The metrics port printed at start, or -1 before it is printed. */
    int port() {
        for (String line : concat()) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    private List<String> concat() {
        List<String> all = new ArrayList<>(out);
        all.addAll(err);
        return all;
    }

    /** POST with a JSON body and optional headers (name, value, name, value…). */
    HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends SIGTERM (or SIGKILL) to kiln itself, not to its workers. Through the ProcessHandle:
     * Process.destroy() would also close our ends of kiln's pipes and lose what it prints next.
     */
    void signal(boolean kill) {
        if (kill) {
            process.toHandle().destroyForcibly();
        } else {
            process.toHandle().destroy();
        }
    }

    /** Pids of this kiln's worker JVMs now. */
    List<Long> workerPids() {
        return process.descendants().filter(p -> p.info().commandLine().map(c -> c.contains("kiln.worker.WorkerMain"))
                .orElse(false)).map(ProcessHandle::pid).toList();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** Samples of {@code /metrics}: "name{labels}" to value. */
    Map<String, Double> scrape() throws IOException, InterruptedException {
        return parse(get("/metrics").body());
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String value = line.substring(space + 1);
            samples.put(line.substring(0, space), value.equals("NaN") ? Double.NaN : Double.parseDouble(value));
        }
        return samples;
    }

    int waitFor(Duration d) throws InterruptedException {
        if (!process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("kiln did not exit within " + d + "\nstdout: " + out + "\nstderr: " + err);
        }
        for (Thread t : drains) {
            t.join(5000); // everything it printed is read before anyone looks
        }
        return process.exitValue();
    }

    String output() {
        return "stdout:\n  " + String.join("\n  ", out) + "\nstderr:\n  " + String.join("\n  ", err);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
