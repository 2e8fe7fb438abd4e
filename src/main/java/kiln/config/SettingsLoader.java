package kiln.config;

import kiln.link.Message;
import kiln.link.Stressor;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds {@link Settings} from the reference defaults, an optional file and overrides (flags),
 * in that order of precedence, lowest first. Unknown keys are errors so that typos are caught.
 * Thread-safe: holds no state.
 */
public final class SettingsLoader {
    /** What {@code kiln.cpu.method} accepts: the burners' methods and {@code all}. */
    public static final Set<String> CPU_METHODS = kiln.stress.CpuMethod.settingWords();

    private final int logicalCores;

    public SettingsLoader(int logicalCores) {
        this.logicalCores = logicalCores;
    }

    public SettingsLoader() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param file      a HOCON file, or null
     * @param overrides full keys ({@code kiln.cpu.load}) to values, strings as a user typed them
     * @throws SettingsException for a missing or unparsable file, an unknown key or a bad value
     */
    public Settings load(Path file, Map<String, ?> overrides) {
        Config user = ConfigFactory.parseMap(overrides, "command line");
        if (file != null) {
            user = user.withFallback(ConfigFile.parse(file));
        }
        Config reference = ConfigFactory.parseResources(SettingsLoader.class.getClassLoader(), "reference.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
        Config merged;
        try {
            // ${?VAR} in a file reads the environment (e.g. a token in a container); nothing else does
            ConfigResolveOptions resolve = ConfigResolveOptions.defaults().setUseSystemEnvironment(true);
            user = user.resolveWith(user.withFallback(reference), resolve);
            UnknownKeys.reject(user, reference);
            merged = user.withFallback(profile(user, reference)).withFallback(reference).resolve(resolve);
        } catch (ConfigException e) {
            throw new SettingsException(String.valueOf(file), null, e.getMessage());
        }
        return build(new Reader(merged), user.hasPath("kiln.http.port"));
    }

    /**
     * {@code kiln.run.inject-fault = "cpu:<method>"}: one fault in the named CPU method, which must be
     * one the burners run; {@code "cpu:sticky"} or {@code "cpu:<method>:sticky"}: a fault that sticks
     * to the method (to the next one to run, when unnamed), as a bad core's does. Empty for any value
     * not of these forms (checked against {@link #faultChoices()}).
     */
    private static java.util.Optional<String> cpuMethodFault(Reader r, Settings.Cpu cpu) {
        String v = r.string("kiln.run.inject-fault").toLowerCase(java.util.Locale.ROOT);
        if (!v.startsWith(kiln.link.FaultTarget.CpuMethod.PREFIX)) {
            return java.util.Optional.empty();
        }
        java.util.Optional<kiln.link.FaultTarget> target = kiln.link.FaultTarget.parse(v);
        java.util.Optional<String> word = target.flatMap(t -> t instanceof kiln.link.FaultTarget.CpuMethod m ? java.util.Optional.of(m.method())
                : t instanceof kiln.link.FaultTarget.StickyCpu sticky ? sticky.method() : java.util.Optional.empty());
        boolean anyMethod = target.filter(kiln.link.FaultTarget.StickyCpu.class::isInstance).isPresent() && word.isEmpty();
        if (!anyMethod && word.flatMap(kiln.stress.CpuMethod::parse).isEmpty()) {
            java.util.List<String> words = kiln.stress.CpuMethod.values().stream().map(kiln.stress.CpuMethod::word).toList();
            throw new SettingsException("kiln.run.inject-fault", SettingsException.quoted(v),
                    "expected cpu:<method>, cpu:sticky or cpu:<method>:sticky with a method of " + String.join(", ", words));
        }
        if (!cpu.enabled()) {
            throw new SettingsException("kiln.run.inject-fault", SettingsException.quoted(v), "that stressor is not enabled");
        }
        if (!anyMethod && !cpu.method().equals(kiln.stress.CpuMethod.ALL) && !cpu.method().equals(word.get())) {
            throw new SettingsException("kiln.run.inject-fault", SettingsException.quoted(v),
                    "that cpu method does not run (kiln.cpu.method = " + cpu.method() + ")");
        }
        return java.util.Optional.of(v);
    }

    private static TreeSet<String> faultChoices() {
        TreeSet<String> choices = new TreeSet<>(Set.of(""));
        for (Stressor s : Stressor.values()) {
            choices.add(s.label());
        }
        choices.add(kiln.link.FaultTarget.CrossCore.WORD); // worker 0 reports wrong cross-core digests from then on
        choices.add(new kiln.link.FaultTarget.StickyCpu(java.util.Optional.empty()).word()); // named for the message: cpuMethodFault reads it
        return choices;
    }

    /** The preset named by kiln.run.profile (from flags, file or reference), re-rooted under kiln. */
    private static Config profile(Config user, Config reference) {
        Reader r = new Reader(user.withFallback(reference));
        Config profiles = reference.getConfig("kiln.profiles");
        java.util.Set<String> names = new TreeSet<>(profiles.root().keySet());
        names.add("");
        String name = r.oneOf("kiln.run.profile", names);
        if (name.isEmpty()) {
            return ConfigFactory.empty();
        }
        return profiles.getConfig(name).atPath("kiln");
    }

    private Settings build(Reader r, boolean portGiven) {
        int count = r.intOrAuto("kiln.workers.count", 1, 1024);
        var workers = new Settings.Workers(count == 0 ? logicalCores : count,
                r.bool("kiln.workers.pin"),
                r.bytesIn("kiln.workers.heap", 16L << 20, 4L << 30));

        String dirText = r.string("kiln.files.dir");
        if (dirText.isBlank()) {
            throw new SettingsException("kiln.files.dir", "\"\"", "expected a directory path");
        }
        var files = new Settings.Files(r.bool("kiln.files.enabled"),
                Path.of(dirText).toAbsolutePath().normalize(),
                (int) r.bytesIn("kiln.files.size", 64, 1L << 20),
                r.intIn("kiln.files.in-flight", 1, 1000),
                r.intOrAuto("kiln.files.threads", 1, 256),
                r.longIn("kiln.files.max-files", 1, 10_000_000),
                r.bytesIn("kiln.files.min-free", 0, Long.MAX_VALUE),
                r.bool("kiln.files.fsync"),
                r.bool("kiln.files.verify"),
                r.inodeFloor("kiln.files.min-free-inodes", 90));
        if (files.enabled()) {
            refuseSystemDirectory(dirText, files.dir());
        }
        var memory = r.sizeOrPercent("kiln.memory.size", 90).with(memoryPatterns(r.string("kiln.memory.patterns")),
                r.durationIn("kiln.memory.bit-fade", Duration.ofSeconds(1), Duration.ofDays(1)));

        var cpu = new Settings.Cpu(r.bool("kiln.cpu.enabled"),
                r.intIn("kiln.cpu.load", 0, 100),
                r.oneOf("kiln.cpu.method", new TreeSet<>(kiln.stress.CpuMethod.settingWords())),
                r.intIn("kiln.cpu.threads", 1, 64));

        String report = r.string("kiln.run.report");
        checkReportPath(report);
        var run = new Settings.Run(r.string("kiln.run.profile"),
                r.durationIn("kiln.run.duration", Duration.ofSeconds(1), Duration.ofDays(365)),
                r.durationIn("kiln.run.ramp", Duration.ZERO, Duration.ofDays(1)),
                r.bool("kiln.run.until-ready"),
                cpuMethodFault(r, cpu).orElseGet(() -> r.oneOf("kiln.run.inject-fault", faultChoices())),
                report.isBlank() ? null : Path.of(report).toAbsolutePath().normalize());
        String fault = run.injectFault();
        boolean faultable = fault.equals(kiln.link.FaultTarget.CrossCore.WORD) ? cpu.enabled() : Stressor.parse(fault).map(s -> switch (s) {
            case CPU -> cpu.enabled();
            case FILES -> files.enabled();
            case MEMORY -> memory.enabled();
        }).orElse(true); // "" (none): oneOf has refused anything else
        if (!faultable) {
            throw new SettingsException("kiln.run.inject-fault", SettingsException.quoted(fault), "that stressor is not enabled");
        }

        String host = r.string("kiln.http.host");
        if (host.isBlank()) {
            throw new SettingsException("kiln.http.host", "\"\"", "expected an address such as 127.0.0.1");
        }
        requireLocalAddress(host);
        String token = r.string("kiln.http.token");
        if (!token.isEmpty() && TokenText.problem(token) != null) {
            throw new SettingsException("kiln.http.token", TokenText.shown(token), TokenText.problem(token));
        }
        String tokenFile = r.string("kiln.http.token-file");
        if (!files.enabled() && !cpu.enabled() && !memory.enabled()) {
            throw new SettingsException("kiln.files.enabled", "false", "expected at least one stressor: files, cpu"
                    + " (kiln.cpu.enabled) or memory (kiln.memory.size); a run of nothing would pass with nothing tested");
        }
        var http = new Settings.Http(host, r.intIn("kiln.http.port", 0, 65535), token,
                tokenFile.isBlank() ? null : Path.of(tokenFile).toAbsolutePath().normalize(), portGiven);
        var ready = new Settings.Ready(r.durationIn("kiln.ready.window", Duration.ofSeconds(5), Duration.ofHours(1)),
                r.intIn("kiln.ready.tolerance", 1, 50) / 100.0);
        var sampler = new Settings.Sampler(r.durationIn("kiln.sampler.interval", Duration.ofMillis(200), Duration.ofMinutes(1)));
        var verdict = new Settings.Verdict(r.longIn("kiln.verdict.max-corrected-errors", 0, Long.MAX_VALUE),
                r.longIn("kiln.verdict.max-throttle-events", 0, Long.MAX_VALUE), r.intIn("kiln.verdict.slow-core-percent", 1, 90));
        return new Settings(workers, files, cpu, memory, run, http, ready, sampler, verdict, ScreenKeys.read(r, logicalCores));
    }

    private static List<String> memoryPatterns(String text) {
        try {
            return kiln.stress.memory.Patterns.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("kiln.memory.patterns", SettingsException.quoted(text), e.getMessage());
        }
    }

    /**
     * The root and the top-level directories of the system itself. kiln takes its directory for its
     * own: it locks it, makes {@code w<id>} directories in it, fills it up to the free-space floor
     * and, at the next start, sweeps what looks like its leftovers. None of that belongs in {@code /}
     * or {@code /etc}, and {@code /proc}, {@code /sys}, {@code /dev} and {@code /run} are not disks at
     * all. A directory under any of them ({@code /var/tmp/kiln}, {@code /home/me/kiln-data}) is
     * fine; so are {@code /tmp}, {@code /mnt} and {@code /srv}, where a disk to burn in is mounted.
     */
    static final Set<Path> SYSTEM_DIRECTORIES = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64",
            "/libx32", "/proc", "/root", "/run", "/sbin", "/sys", "/usr", "/var").stream().map(Path::of)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Refuses {@link #SYSTEM_DIRECTORIES}, as written or through a link ({@code /tmp/x -> /etc}). */
    private static void refuseSystemDirectory(String written, Path dir) {
        Path real = dir;
        try {
            real = dir.toRealPath();
        } catch (java.io.IOException e) {
            // not there yet (kiln makes it), or not readable: opening it says what is wrong
        }
        Path hit = SYSTEM_DIRECTORIES.contains(dir) ? dir : SYSTEM_DIRECTORIES.contains(real) ? real : null;
        if (hit != null) {
            throw new SettingsException("kiln.files.dir", SettingsException.quoted(written), "expected a directory kiln may take for its own,"
                    + " not " + (hit.equals(dir) ? "" : "a link to ") + hit + ", which is the root or a system directory (kiln locks its"
                    + " directory, fills it and sweeps its leftovers there); give one under it, such as /var/tmp/kiln");
        }
    }

    /**
     * {@code kiln.http.host} is where kiln listens: it must be an address of this machine (or the
     * wildcard), or a name that resolves to one. Said at start and by check-config, not as a bind
     * error after the workers have started, nor never (a daemon whose name no longer resolves).
     */
    private static void requireLocalAddress(String host) {
        java.net.InetAddress[] all;
        try {
            all = java.net.InetAddress.getAllByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new SettingsException("kiln.http.host", SettingsException.quoted(host),
                    "expected an address of this machine such as 127.0.0.1, or a name that resolves to one; this name does not resolve");
        }
        for (java.net.InetAddress a : all) {
            try {
                if (a.isAnyLocalAddress() || a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null) {
                    return;
                }
            } catch (java.net.SocketException e) {
                // the interfaces cannot be listed: the next address, then the error below
            }
        }
        throw new SettingsException("kiln.http.host", SettingsException.quoted(host), "expected an address of this machine such as"
                + " 127.0.0.1, or a name that resolves to one; " + (all.length == 1 && all[0].getHostAddress().equals(host) ? "it is"
                : "it resolves to " + java.util.Arrays.stream(all).map(java.net.InetAddress::getHostAddress)
                .collect(java.util.stream.Collectors.joining(", ")) + ",") + " not an address of any interface here");
    }

    /**
     * A report path must be writable as a file when the run ends: not a directory, and under a
     * directory (existing or to be made), not under a file. Checked at start, not after hours of
     * burn-in.
     */
    private static void checkReportPath(String report) {
        if (report.isBlank()) {
            return;
        }
        Path p = Path.of(report).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            throw new SettingsException("kiln.run.report", SettingsException.quoted(report), "expected a file to write, found a directory");
        }
        for (Path up = p.getParent(); up != null; up = up.getParent()) {
            if (Files.exists(up)) {
                if (!Files.isDirectory(up)) {
                    throw new SettingsException("kiln.run.report", SettingsException.quoted(report), "expected a path under a directory, but "
                            + up + " is a file");
                }
                return;
            }
        }
    }

    /** Keys of the reference, for documentation and tests. */
    public static List<String> referenceKeys() {
        List<String> keys = new ArrayList<>(UnknownKeys.keysOf(ConfigFactory.parseResources("reference.conf")));
        keys.sort(null);
        return keys;
    }
}
