package kiln.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import kiln.util.Sizes;

final class SettingsLoaderTest {
    private final SettingsLoader loader = new SettingsLoader(6);

    private static String error(Runnable r) {
        return assertThrows(SettingsException.class, r::run).getMessage();
    }

    @Test
    void anError_carriesKeyValueAndRuleAsFields() {
        SettingsException e = assertThrows(SettingsException.class, () -> loader.load(null, Map.of("kiln.cpu.load", 150)));
        assertEquals("kiln.cpu.load", e.key());
        assertEquals("150", e.value());
        assertTrue(e.rule().startsWith("expected "), e.rule());
        assertEquals(e.key() + " = " + e.value() + ": " + e.rule(), e.getMessage());
        assertEquals("--cpu-load = 150: " + e.rule(), e.messageFor("--cpu-load"));
        SettingsException unknown = assertThrows(SettingsException.class, () -> loader.load(null, Map.of("kiln.cpu.lod", "1")));
        assertEquals(null, unknown.value(), "an unknown key has no value to judge");
        assertTrue(unknown.getMessage().startsWith("kiln.cpu.lod: unknown key"), unknown.getMessage());
    }

    @Test
    void defaults_loadFromReference() {
        Settings s = loader.load(null, Map.of());
        assertEquals(6, s.workers().count(), "auto workers = logical cores");
        assertTrue(s.workers().pin());
        assertEquals(1024, s.files().sizeBytes());
        assertEquals(1000, s.files().inFlight());
        assertEquals(20_000, s.files().maxFiles());
        assertEquals(1L << 30, s.files().minFreeBytes());
        assertEquals(Path.of("kiln-data").toAbsolutePath(), s.files().dir());
        assertFalse(s.files().fsync());
        assertEquals(100, s.cpu().load());
        assertEquals("all", s.cpu().method());
        assertEquals(Duration.ofMinutes(10), s.run().duration());
        assertNull(s.run().report());
        assertEquals("127.0.0.1", s.http().host());
        assertEquals(9477, s.http().port());
        assertEquals(Duration.ofSeconds(1), s.sampler().interval());
    }

    @Test
    void overrides_winOverFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("k.conf");
        Files.writeString(file, "kiln { cpu.load = 40, files.size = 4k, run.duration = 2h, workers.count = 3 }");
        Settings s = loader.load(file, Map.of("kiln.cpu.load", 70));
        assertEquals(70, s.cpu().load(), "flag beats file");
        assertEquals(4096, s.files().sizeBytes(), "file beats reference");
        assertEquals(Duration.ofHours(2), s.run().duration());
        assertEquals(3, s.workers().count());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "kiln.cpu.load       | 150   | kiln.cpu.load = \"150\": expected a whole number from 0 to 100",
        "kiln.cpu.load       | lots  | kiln.cpu.load = \"lots\": expected a whole number from 0 to 100",
        "kiln.files.in-flight| 1001  | kiln.files.in-flight = \"1001\": expected a whole number from 1 to 1000",
        "kiln.files.size     | 12x   | kiln.files.size = \"12x\": expected a size such as 1k, 64m or 5g (a whole number of bytes, or one with k, m, g or t: powers of 1024)",
        "kiln.files.size     | 2m    | kiln.files.size = \"2m\": expected a size from 64 to 1m",
        "kiln.run.duration   | 10x   | kiln.run.duration = \"10x\": expected a duration such as 60 (seconds), 500ms, 8s, 1m30s or 2h",
        "kiln.run.duration   | soon  | kiln.run.duration = \"soon\": expected a duration such as 60 (seconds), 500ms, 8s, 1m30s or 2h",
        "kiln.run.duration   | 1m30  | kiln.run.duration = \"1m30\": expected a duration such as 60 (seconds), 500ms, 8s, 1m30s or 2h",
        "kiln.files.fsync    | maybe | kiln.files.fsync = \"maybe\": expected true or false",
        "kiln.workers.count  | many  | kiln.workers.count = \"many\": expected auto or a whole number from 1 to 1024",
        "kiln.workers.count  | 0     | kiln.workers.count = \"0\": expected auto or a whole number from 1 to 1024",
        "kiln.cpu.method     | fft   | kiln.cpu.method = \"fft\": expected one of aes, all, copy, crc32c, deflate, factorial, float, fma, int, sha256, transcendental",
        "kiln.http.port      | 70000 | kiln.http.port = \"70000\": expected a whole number from 0 to 65535",
        "kiln.sampler.interval | 10ms | kiln.sampler.interval = \"10ms\": expected a duration from 200ms to 1m00s",
    })
    void badValue_namesKeyValueAndRule(String key, String value, String expected) {
        assertEquals(expected, error(() -> loader.load(null, Map.of(key, value))));
    }

    @Test
    void badValueInFile_showsTheValueAsWritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("k.conf");
        Files.writeString(file, "kiln.cpu.load = 150\nkiln.run.duration = 10\n");
        assertEquals("kiln.cpu.load = 150: expected a whole number from 0 to 100", error(() -> loader.load(file, Map.of())));
        Files.writeString(file, "kiln.run.duration = 10.5\n");
        assertEquals("kiln.run.duration = 10.5: expected a duration such as 60 (seconds), 500ms, 8s, 1m30s or 2h",
                error(() -> loader.load(file, Map.of())));
        Files.writeString(file, "kiln.run.duration = 90\n");
        assertEquals(Duration.ofSeconds(90), loader.load(file, Map.of()).run().duration(), "a bare number is seconds, not milliseconds");
    }

    @Test
    void unknownKey_isRejectedWithASuggestion(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("typo.conf");
        Files.writeString(file, "kiln.cpu.lod = 50\n");
        assertEquals("kiln.cpu.lod: unknown key (did you mean kiln.cpu.load?)", error(() -> loader.load(file, Map.of())));
        assertEquals("kiln.nothing.like.this: unknown key", error(() -> loader.load(null, Map.of("kiln.nothing.like.this", 1))));
    }

    @Test
    void unreadableOrBrokenFile_isNamed(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.conf");
        assertEquals(missing + ": cannot read the config file (missing, not a file, or not readable)",
                error(() -> loader.load(missing, Map.of())));
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "kiln { cpu.load = \n");
        assertTrue(error(() -> loader.load(broken, Map.of())).startsWith(broken + ": not valid HOCON: "));
    }

    @Test
    void exampleConfig_isValid() {
        Settings s = loader.load(Path.of("config/kiln.conf"), Map.of());
        assertEquals(Path.of("/var/lib/kiln/data"), s.files().dir());
        assertEquals(80, s.cpu().load());
        assertEquals(Path.of("/var/lib/kiln/token"), s.http().tokenFile(), "the service's StateDirectory, whatever user it runs as");
        assertEquals(null, loader.load(null, Map.of()).http().tokenFile(), "unset: the default by user");
    }

    @Test
    void profile_sitsBetweenReferenceAndUserSettings(@TempDir Path dir) throws IOException {
        Settings warm = loader.load(null, Map.of("kiln.run.profile", "warmup"));
        assertTrue(warm.run().untilReady());
        assertEquals(Duration.ofMinutes(1), warm.run().ramp());
        assertEquals(10.0, warm.memory().percent());
        Settings burn = loader.load(null, Map.of("kiln.run.profile", "burnin", "kiln.files.fsync", false));
        assertTrue(burn.files().verify());
        assertFalse(burn.files().fsync(), "a flag overrides the profile");
        assertEquals(Duration.ofHours(4), burn.run().duration());
        Path file = Files.writeString(dir.resolve("p.conf"), "kiln.run.profile = burnin\nkiln.run.duration = 8h\n");
        Settings fromFile = loader.load(file, Map.of());
        assertEquals(Duration.ofHours(8), fromFile.run().duration(), "the file overrides the profile it names");
        assertTrue(fromFile.files().fsync());
        assertEquals("kiln.run.profile = \"turbo\": expected one of burnin, warmup (\"\" for none)",
                error(() -> loader.load(null, Map.of("kiln.run.profile", "turbo"))));
    }

    @Test
    void memory_isASizeOrAPercentage() {
        assertEquals(new Settings.Memory(256L << 20, 0), loader.load(null, Map.of("kiln.memory.size", "256m")).memory());
        assertEquals(new Settings.Memory(0, 12.5), loader.load(null, Map.of("kiln.memory.size", "12.5%")).memory());
        assertFalse(loader.load(null, Map.of()).memory().enabled());
        assertEquals("kiln.memory.size = \"95%\": expected a size such as 256m or a percentage of physical memory from 0% to 90%",
                error(() -> loader.load(null, Map.of("kiln.memory.size", "95%"))));
        assertEquals("kiln.memory.size = \"lots\": expected a size such as 256m (k, m, g or t: powers of 1024) or a percentage of"
                + " physical memory such as 10%",
                error(() -> loader.load(null, Map.of("kiln.memory.size", "lots"))));
    }

    @Test
    void injectFault_needsItsStressorEnabled() {
        assertEquals("files", loader.load(null, Map.of("kiln.run.inject-fault", "files")).run().injectFault());
        assertEquals("kiln.run.inject-fault = \"memory\": that stressor is not enabled",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "memory"))));
        assertEquals("kiln.run.inject-fault = \"disk\": expected one of cpu, cpu:sticky, cross-core, files, memory (\"\" for none)",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "disk"))));
        assertEquals("kiln.run.inject-fault = \"cross-core\": that stressor is not enabled",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "cross-core", "kiln.cpu.enabled", false))),
                "the cross-core digest is the CPU burners' work");
    }

    @Test
    void injectFault_cpuMethod_namesAMethodTheBurnersRun() {
        assertEquals("cpu:fma", loader.load(null, Map.of("kiln.run.inject-fault", "cpu:fma")).run().injectFault());
        assertEquals("cpu:aes", loader.load(null, Map.of("kiln.run.inject-fault", "cpu:aes", "kiln.cpu.method", "aes")).run().injectFault());
        assertEquals("kiln.run.inject-fault = \"cpu:fft\": expected cpu:<method>, cpu:sticky or cpu:<method>:sticky with a method of int, float, sha256, factorial, fma,"
                        + " aes, crc32c, deflate, copy, transcendental",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "cpu:fft"))));
        assertEquals("kiln.run.inject-fault = \"cpu:fma\": that cpu method does not run (kiln.cpu.method = sha256)",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "cpu:fma", "kiln.cpu.method", "sha256"))));
        assertEquals("kiln.run.inject-fault = \"cpu:fma\": that stressor is not enabled",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "cpu:fma", "kiln.cpu.enabled", false))));
    }

    @Test
    void injectFault_sticky_forAnyMethodOrANamedOneTheBurnersRun() {
        assertEquals("cpu:sticky", loader.load(null, Map.of("kiln.run.inject-fault", "cpu:sticky")).run().injectFault());
        assertEquals("cpu:fma:sticky", loader.load(null, Map.of("kiln.run.inject-fault", "CPU:FMA:Sticky")).run().injectFault());
        assertEquals("cpu:sticky", loader.load(null, Map.of("kiln.run.inject-fault", "cpu:sticky", "kiln.cpu.method", "aes")).run().injectFault(),
                "whichever method runs");
        String rule = "expected cpu:<method>, cpu:sticky or cpu:<method>:sticky with a method of int, float, sha256, factorial, fma,"
                + " aes, crc32c, deflate, copy, transcendental";
        for (String bad : new String[] {"cpu:fft:sticky", "cpu:fma:stiky", "cpu:fma:sticky:sticky", "cpu::sticky", "cpu:sticky:fma"}) {
            assertEquals("kiln.run.inject-fault = \"" + bad + "\": " + rule, error(() -> loader.load(null, Map.of("kiln.run.inject-fault", bad))));
        }
        assertEquals("kiln.run.inject-fault = \"sticky\": expected one of cpu, cpu:sticky, cross-core, files, memory (\"\" for none)",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "sticky"))));
        assertEquals("kiln.run.inject-fault = \"cpu:fma:sticky\": that cpu method does not run (kiln.cpu.method = sha256)",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "cpu:fma:sticky", "kiln.cpu.method", "sha256"))));
        assertEquals("kiln.run.inject-fault = \"cpu:sticky\": that stressor is not enabled",
                error(() -> loader.load(null, Map.of("kiln.run.inject-fault", "cpu:sticky", "kiln.cpu.enabled", false))));
    }

    @Test
    void everyReferenceKey_isDocumentedWithAComment() throws IOException {
        String text = new String(SettingsLoader.class.getResourceAsStream("/reference.conf").readAllBytes());
        for (String key : SettingsLoader.referenceKeys()) {
            String leaf = key.substring(key.lastIndexOf('.') + 1);
            int at = text.indexOf("\n    " + leaf + " =");
            assertTrue(at > 0, "reference.conf lists " + key);
            String before = text.substring(0, at);
            String lastLine = before.substring(before.lastIndexOf('\n', before.length() - 1) + 1).trim();
            assertTrue(lastLine.startsWith("#"), key + " has a comment above it, found: " + lastLine);
        }
    }

    @Test
    void sizesAndDurations_parseLikeTheConfigFile() {
        assertEquals(1024, Sizes.parse("1k"));
        assertEquals(64L << 20, Sizes.parse("64m"));
        assertEquals(5L << 30, Sizes.parse("5g"));
        assertEquals("5g", kiln.util.Sizes.format(5L << 30));
        assertEquals(Duration.ofSeconds(8), Durations.parse("8s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofSeconds(60), Durations.parse("60"), "seconds, as stress-ng's --timeout 60");
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMinutes(75), Durations.parse("1h15m"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1s500ms"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1.5h"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10 minutes"));
        for (String bad : new String[] {"", "-5s", "1m30", "s", "5 s x", "99999999999999999999", "1e3"}) {
            assertEquals("expected a duration such as 60 (seconds), 500ms, 8s, 1m30s or 2h, found \"" + bad + "\"",
                    assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad)).getMessage(), bad);
        }
        assertEquals("expected " + Sizes.RULE + ", found \"big\"",
                assertThrows(IllegalArgumentException.class, () -> Sizes.parse("big")).getMessage());
    }

    @Test
    void fileValues_areHeldToTheFlagsRules_noSilentTruncation() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("kiln-test", ".conf");
        try {
            java.nio.file.Files.writeString(f, "kiln.cpu.load = 50.5\n");
            assertEquals("kiln.cpu.load = 50.5: expected a whole number from 0 to 100", error(() -> loader.load(f, Map.of())));
            java.nio.file.Files.writeString(f, "kiln.files.min-free = 99999999999999999999\n");
            assertTrue(error(() -> loader.load(f, Map.of())).endsWith(": expected a size of at least 0 and at most 8 EiB"),
                    "8 EiB used to be what such a value silently became");
            java.nio.file.Files.writeString(f, "kiln.files.max-files = 1e3\n");
            assertEquals(1000, loader.load(f, Map.of()).files().maxFiles(), "a whole number written as a double is fine");
        } finally {
            java.nio.file.Files.delete(f);
        }
        assertTrue(error(() -> loader.load(null, Map.of("kiln.workers.count", 2.5))).startsWith("kiln.workers.count = 2.5: expected"));
    }

    @Test
    void aTokenOfWhiteSpace_andARunOfNothing_areRefused() {
        assertEquals("kiln.http.token = <3 characters, not shown>: expected visible ASCII characters without spaces, but"
                + " character 1 of 3 is a space", error(() -> loader.load(null, Map.of("kiln.http.token", "   "))));
        // accepted but never matching before: no header can carry the newline
        assertEquals("kiln.http.token = <7 characters, not shown>: expected visible ASCII characters without spaces, but"
                + " character 7 of 7 is a line feed (\\n) (a newline from $(cat file) or an env file?)",
                error(() -> loader.load(null, Map.of("kiln.http.token", "s3cret\n"))));
        assertTrue(error(() -> loader.load(null, Map.of("kiln.files.enabled", false, "kiln.cpu.enabled", false)))
                .startsWith("kiln.files.enabled = false: expected at least one stressor"));
        loader.load(null, Map.of("kiln.files.enabled", false, "kiln.cpu.enabled", false, "kiln.memory.size", "64m"));
    }

    @Test
    void reportPath_isCheckedAtStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        assertEquals("kiln.run.report = \"" + tmp + "\": expected a file to write, found a directory",
                error(() -> loader.load(null, Map.of("kiln.run.report", tmp.toString()))));
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("f"), "x");
        assertEquals("kiln.run.report = \"" + file.resolve("r.json") + "\": expected a path under a directory, but " + file
                + " is a file", error(() -> loader.load(null, Map.of("kiln.run.report", file.resolve("r.json").toString()))));
        loader.load(null, Map.of("kiln.run.report", tmp.resolve("new/dir/r.html").toString())); // made at the end
    }

    /**
     * Sizes take only the units kiln documents (k, m, g, t, powers of 1024). Typesafe Config's own
     * reading took {@code 1e} for an exbibyte: {@code --memory 1e}, a slip of the finger, asked for
     * 1 EiB of RAM; {@code 1p}, {@code 2exabytes} and {@code 1kB} (1000 bytes) went through too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1e", "1p", "2exabytes", "1kB", "1KiB", "1e3", "-5m", "0x10", "1.5", "0.3k", "5 g b", "1E", "NaN", "+1m"})
    void sizes_takeOnlyTheDocumentedUnits_inFlagsFileAndApiAlike(String bad) {
        for (String key : new String[] {"kiln.files.min-free", "kiln.files.size", "kiln.workers.heap"}) {
            assertEquals(key + " = \"" + bad + "\": expected " + Sizes.RULE, error(() -> loader.load(null, Map.of(key, bad))), bad);
        }
        assertEquals("kiln.memory.size = \"" + bad + "\": expected a size such as 256m (k, m, g or t: powers of 1024) or a percentage"
                + " of physical memory such as 10%", error(() -> loader.load(null, Map.of("kiln.memory.size", bad))), bad);
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
    }

    @Test
    void sizes_documentedUnits_fractionsThatMakeWholeBytes_andTheLimits() {
        assertEquals(1536, Sizes.parse("1.5k"));
        assertEquals(5L << 40, Sizes.parse("5T"));
        assertEquals(64L << 20, Sizes.parse(" 64 M "));
        assertEquals(8L << 30, loader.load(null, Map.of("kiln.memory.size", "8G")).memory().bytes());
        assertEquals(new Settings.Memory(0, 0), loader.load(null, Map.of("kiln.memory.size", "0%")).memory(), "0% is off, as 0 is");
        assertEquals("expected a size of at most 8 EiB, found \"8388608t\"",
                assertThrows(IllegalArgumentException.class, () -> Sizes.parse("8388608t")).getMessage(), "one past 2^63");
        assertEquals(Long.MAX_VALUE, Sizes.parse(String.valueOf(Long.MAX_VALUE)));
        assertEquals("kiln.memory.size = \"99999999t\": expected a size of at most 8 EiB or a percentage of physical memory such as 10%",
                error(() -> loader.load(null, Map.of("kiln.memory.size", "99999999t"))));
        assertEquals("kiln.files.min-free = \"9999999999t\": expected a size of at least 0 and at most 8 EiB",
                error(() -> loader.load(null, Map.of("kiln.files.min-free", "9999999999t"))));
        assertEquals("kiln.files.size = \"0\": expected a size from 64 to 1m", error(() -> loader.load(null, Map.of("kiln.files.size", "0"))));
        assertEquals("kiln.memory.size = \"1e2%\": expected a size such as 256m (k, m, g or t: powers of 1024) or a percentage of"
                + " physical memory such as 10%", error(() -> loader.load(null, Map.of("kiln.memory.size", "1e2%"))));
        assertEquals("kiln.memory.size = \"-5%\": expected a size such as 256m (k, m, g or t: powers of 1024) or a percentage of"
                + " physical memory such as 10%", error(() -> loader.load(null, Map.of("kiln.memory.size", "-5%"))));
    }

    @Test
    void sizes_inAFile_asWrittenThere(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("k.conf");
        Files.writeString(f, "kiln.memory.size = 1e\n");
        assertEquals("kiln.memory.size = \"1e\": expected a size such as 256m (k, m, g or t: powers of 1024) or a percentage of"
                + " physical memory such as 10%", error(() -> loader.load(f, Map.of())));
        Files.writeString(f, "kiln.files.min-free = 1e3\n");
        assertEquals(1000, loader.load(f, Map.of()).files().minFreeBytes(), "a bare number is bytes, as for max-files: 1e3 is 1000");
        Files.writeString(f, "kiln.files.min-free = 2.5\n");
        assertEquals("kiln.files.min-free = 2.5: expected " + Sizes.RULE, error(() -> loader.load(f, Map.of())), "no fraction of a byte");
        Files.writeString(f, "kiln.files.min-free = \"1e3\"\n");
        assertEquals("kiln.files.min-free = \"1e3\": expected " + Sizes.RULE, error(() -> loader.load(f, Map.of())),
                "as text, e is no unit of kiln's");
        Files.writeString(f, "kiln.files.min-free = 2048\nkiln.memory.size = 64m\n");
        assertEquals(2048, loader.load(f, Map.of()).files().minFreeBytes());
    }

    @Test
    void sizes_inAnApiBody_sameRule_namedByTheParameter() {
        Map<String, String> nameOfKey = new java.util.LinkedHashMap<>();
        Map<String, Object> o = RunParameters.fromJson("{\"memory\": \"1e\"}", nameOfKey);
        SettingsException e = assertThrows(SettingsException.class, () -> loader.load(null, o));
        assertEquals("memory = \"1e\": expected a size such as 256m (k, m, g or t: powers of 1024) or a percentage of physical memory"
                + " such as 10%", e.messageFor(nameOfKey.get(e.key())));
        Map<String, Object> p = RunParameters.fromJson("{\"min-free\": \"1p\"}", nameOfKey);
        assertEquals("kiln.files.min-free = \"1p\": expected " + Sizes.RULE, error(() -> loader.load(null, p)));
        Map<String, Object> fraction = RunParameters.fromJson("{\"min-free\": 0.5}", nameOfKey);
        assertEquals("kiln.files.min-free = 0.5: expected " + Sizes.RULE, error(() -> loader.load(null, fraction)));
    }

    /**
     * {@code --dir /} made kiln lock {@code /}, make its worker directories there and sweep it
     * for leftovers, and failed with "cannot use open of /: invalid argument", exit 3. The root
     * and the system's own top-level directories are refused by name; directories under them are
     * not, nor are the places disks are mounted.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/", "/proc", "/sys", "/dev", "/etc", "/usr", "/boot", "/bin", "/lib", "/lib64", "/sbin", "/var", "/home",
                            "/root", "/run", "/etc/", "/usr/../etc", "//"})
    void dir_refusesTheRootAndSystemDirectories(String dir) {
        String shown = java.nio.file.Path.of(dir).toAbsolutePath().normalize().toString();
        assertEquals("kiln.files.dir = \"" + dir + "\": expected a directory kiln may take for its own, not " + shown + ", which is the root"
                + " or a system directory (kiln locks its directory, fills it and sweeps its leftovers there); give one under it, such"
                + " as /var/tmp/kiln", error(() -> loader.load(null, Map.of("kiln.files.dir", dir))));
    }

    @Test
    void dir_underASystemDirectory_isFine_aLinkToOneIsNot(@TempDir Path tmp) throws IOException {
        for (String ok : new String[] {"/var/tmp/kiln", "/home/someone/kiln-data", "/tmp", "/mnt", "/srv/burn"}) {
            assertEquals(Path.of(ok), loader.load(null, Map.of("kiln.files.dir", ok)).files().dir());
        }
        assertEquals(Path.of("/"), loader.load(null, Map.of("kiln.files.dir", "/", "kiln.files.enabled", false)).files().dir(),
                "with the file stressor off the directory is not used");
        Path link = Files.createSymbolicLink(tmp.resolve("etc"), Path.of("/etc"));
        assertTrue(error(() -> loader.load(null, Map.of("kiln.files.dir", link.toString())))
                .endsWith(": expected a directory kiln may take for its own, not a link to /etc, which is the root or a system directory"
                        + " (kiln locks its directory, fills it and sweeps its leftovers there); give one under it, such as /var/tmp/kiln"));
    }

    /** HOCON keeps the last of two values without a word: the line an operator reads may not be the one in force. */
    @Test
    void aKeySetTwiceInTheFile_isRefused_withBothLines(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("k.conf");
        Files.writeString(f, "kiln.files.min-free = 5g\nkiln.cpu.load = 50\nkiln.files.min-free = 0\n");
        SettingsException e = assertThrows(SettingsException.class, () -> loader.load(f, Map.of()));
        assertEquals("kiln.files.min-free: set more than once in " + f + " (line 1 and again by line 3; the last would win without a"
                + " word): set each key once", e.getMessage());
        assertEquals("kiln.files.min-free", e.key());
        Files.writeString(f, "kiln {\n  files {\n    size = 1k\n  }\n}\nkiln.files.size = 2k\n");
        assertTrue(error(() -> loader.load(f, Map.of())).startsWith("kiln.files.size: set more than once in " + f + " (line 3 and again"
                + " by line 6;"), "nested and dotted alike");
        Files.writeString(f, "kiln.files { size = 1k, size = 1k }\n");
        assertTrue(error(() -> loader.load(f, Map.of())).startsWith("kiln.files.size: set more than once"), "even to the same value");
        Files.writeString(f, "kiln.files { size = 2k }\nkiln.files { min-free = 2g }\nkiln.cpu { load = 50 }\n");
        Settings s = loader.load(f, Map.of());
        assertEquals(2048, s.files().sizeBytes(), "an object opened twice, each key once, is fine");
        assertEquals(2L << 30, s.files().minFreeBytes());
    }

    /** An include would be read by root, unseen by whoever reviews the file, from wherever it points. */
    @ParameterizedTest
    @ValueSource(strings = {"include \"other.conf\"", "include file(\"/etc/shadow\")", "include required(file(\"other.conf\"))",
                            "include url(\"http://127.0.0.1:1/x.conf\")", "include classpath(\"reference.conf\")",
                            "kiln { include \"other.conf\" }"})
    void include_isRefused(String include, @TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("other.conf"), "kiln.cpu.load = 10\n");
        Path f = Files.writeString(dir.resolve("k.conf"), "kiln.cpu.load = 50\n" + include + "\n");
        String message = error(() -> loader.load(f, Map.of()));
        assertTrue(message.startsWith(f + ": include "), message);
        assertTrue(message.endsWith(": kiln reads one configuration file and nothing it names (an included file or URL would be read by"
                + " root unseen); put those settings in " + f + " itself"), message);
    }

    @Test
    void httpHost_mustBeAnAddressOfThisMachine() {
        for (String ok : new String[] {"127.0.0.1", "localhost", "0.0.0.0", "::1", "::"}) {
            assertEquals(ok, loader.load(null, Map.of("kiln.http.host", ok)).http().host());
        }
        assertEquals("kiln.http.host = \"no-such-host.invalid\": expected an address of this machine such as 127.0.0.1, or a name"
                + " that resolves to one; this name does not resolve",
                error(() -> loader.load(null, Map.of("kiln.http.host", "no-such-host.invalid"))));
        assertEquals("kiln.http.host = \"192.0.2.1\": expected an address of this machine such as 127.0.0.1, or a name that resolves"
                + " to one; it is not an address of any interface here", error(() -> loader.load(null, Map.of("kiln.http.host", "192.0.2.1"))));
    }
}
