package kiln.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kiln.metrics.ServedFamilies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs cannot drift from the code: every configuration key and every metric family kiln serves
 * is in its reference page, every relative link leads to a file, every safety promise names a test
 * that exists, and the README stays a front door. A failure prints what is missing, ready to paste.
 */
@Timeout(120)
final class DocsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @TempDir
    Path tmp;

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }

    @Test
    void everyReferenceConfKey_isInConfigurationMd() throws IOException {
        String doc = read("docs/configuration.md");
        Set<String> missing = new TreeSet<>();
        for (var e : ConfigFactory.parseResources("reference.conf").entrySet()) {
            String key = e.getKey();
            // a profile's settings are listed by the profile's name (they are the keys above, preset)
            String named = key.startsWith("kiln.profiles.") ? key.replaceFirst("^(kiln\\.profiles\\.[^.]+)\\..*", "$1") : key;
            if (!doc.contains("`" + named + "`")) {
                missing.add("| `" + named + "` | " + (named.equals(key) ? "`" + e.getValue().unwrapped() + "`" : "") + " | |");
            }
        }
        assertEquals("", String.join("\n", missing), "reference.conf keys missing from docs/configuration.md (rows to add)");
    }

    @Test
    void everyServedMetricFamily_isInMetricsMd() throws Exception {
        String doc = read("docs/metrics.md");
        Set<String> served = ServedFamilies.collect(tmp);
        assertTrue(served.contains("kiln_files_created_total") && served.contains("kiln_edac_corrected_errors_total")
                && served.contains("kiln_daemon_problem") && served.contains("kiln_core_cpu_ops_total"), "the registries were read: " + served);
        Set<String> missing = new TreeSet<>();
        for (String family : served) {
            boolean listed = doc.contains("`" + family + "`") || doc.contains("`" + family + "{")
                    || family.startsWith("jvm_") && doc.contains("`jvm_*`");
            if (!listed) {
                missing.add("| `" + family + "` | | |");
            }
        }
        assertEquals("", String.join("\n", missing), "metric families served on /metrics but missing from docs/metrics.md (rows to add)");
    }

    @Test
    void everyRelativeLink_pointsToAFileThatExists() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md"),
                ROOT.resolve("src/bench/README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
                    continue; // a URL, or a place on the same page
                }
                links++;
                Path file = page.getParent().resolve(target.replaceFirst("#.*", "")).normalize();
                if (!Files.exists(file)) {
                    broken.add(ROOT.relativize(page) + ": " + target);
                }
            }
        }
        assertTrue(links >= 20, "the pages link onward: " + links);
        assertEquals(List.of(), broken, "relative links to files that do not exist");
    }

    /** Each safety promise names the test class that holds kiln to it; that class exists. */
    @Test
    void everySafetyPromise_namesATestThatExists() throws IOException {
        String doc = read("docs/safety.md");
        int at = doc.indexOf("## Promises and their tests");
        assertTrue(at >= 0, "docs/safety.md has the promise table");
        Set<String> classes = new TreeSet<>();
        try (Stream<Path> s = Files.walk(ROOT.resolve("src/test/java"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")).forEach(n -> classes.add(n.replace(".java", "")));
        }
        List<String> unknown = new ArrayList<>();
        int rows = 0;
        for (String line : doc.substring(at).lines().filter(l -> l.startsWith("| ") && !l.startsWith("| promise")).toList()) {
            Matcher m = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT))`").matcher(line);
            boolean any = false;
            while (m.find()) {
                any = true;
                if (!classes.contains(m.group(1))) {
                    unknown.add(m.group(1));
                }
            }
            if (!any && !line.startsWith("|---")) {
                unknown.add("no test named in: " + line);
            }
            rows++;
        }
        assertTrue(rows >= 20, "the table maps the promises: " + rows);
        assertEquals(List.of(), unknown, "safety promises without a test class that exists");
    }

    /** The README is a front door: short, the exit codes, the build and test command CI runs. */
    @Test
    void readme_isAFrontDoor() throws IOException {
        String readme = read("README.md");
        long bytes = Files.size(ROOT.resolve("README.md"));
        assertTrue(bytes <= 12_000, "README.md is " + bytes + " bytes: reference text belongs under docs/");
        for (int code = 0; code <= 5; code++) {
            assertTrue(readme.contains("| " + code + " | "), "exit code " + code + " in README's table");
        }
        assertTrue(read(".ci/run").contains("mvn -B -ntp clean verify"), ".ci/run runs the README's test command");
        assertTrue(readme.contains("mvn -B verify"), "README documents the test command .ci/run runs");
        assertTrue(readme.contains("kiln man"), "flags live in the generated man page");
    }
}
