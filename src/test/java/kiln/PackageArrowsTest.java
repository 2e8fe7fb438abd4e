package kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Arrows between kiln's packages run one way: no cycle, and the worker side knows nothing of the
 * supervisor's. A package is a role as the design lists them ({@code kiln.stress} with its
 * {@code cpu}, {@code files} and {@code memory} parts is one). Read from the sources (imports and
 * fully qualified names in code; comments and string literals left out), so a
 * {@code kiln.util.Json.depth(…)} written inline counts as much as an import.
 */
final class PackageArrowsTest {
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("src/main/java22"));
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bkiln(\\.[a-z_][\\w]*)+");
    /** Block and line comments, string and char literals: what code does not depend on. */
    private static final Pattern NOT_CODE = Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(\\\\.|[^\"\\\\\\n])*\"|'(\\\\.|[^'\\\\])+'",
            Pattern.DOTALL);

    @Test
    void noCycleAmongKilnsPackages() throws IOException {
        Map<String, Set<String>> arrows = arrows();
        assertTrue(arrows.size() > 10, "the sources were found and read: " + arrows.keySet());
        List<String> cycle = cycle(arrows);
        assertEquals(List.of(), cycle, "a package cycle: " + String.join(" -> ", cycle) + "\n" + arrows);
    }

    @Test
    void theWorkerSide_knowsNothingOfTheSupervisorsSide() throws IOException {
        Map<String, Set<String>> arrows = arrows();
        Set<String> supervisorSide = Set.of("kiln.supervisor", "kiln.http", "kiln.metrics", "kiln.report", "kiln.app", "kiln.cli");
        for (Map.Entry<String, Set<String>> e : arrows.entrySet()) {
            if (e.getKey().startsWith("kiln.worker") || e.getKey().startsWith("kiln.stress")) {
                for (String to : e.getValue()) {
                    assertTrue(!supervisorSide.contains(to), e.getKey() + " depends on " + to);
                }
            }
        }
    }

    @Test
    void aCycle_isFound_whereOneIs() {
        Map<String, Set<String>> arrows = Map.of("kiln.report", Set.of("kiln.http"), "kiln.http", Set.of("kiln.metrics"),
                "kiln.metrics", Set.of("kiln.report", "kiln.util"), "kiln.util", Set.of());
        assertEquals(List.of("kiln.http", "kiln.metrics", "kiln.report", "kiln.http"), cycle(arrows),
                "the shape this test was written for: report -> http (Json) -> metrics -> report");
    }

    /** Per package, the other kiln packages its code names. */
    static Map<String, Set<String>> arrows() throws IOException {
        Map<String, String> code = new TreeMap<>();
        for (Path root : SOURCES) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    code.put(f.toString(), NOT_CODE.matcher(Files.readString(f)).replaceAll(" "));
                }
            }
        }
        Set<String> packages = new TreeSet<>();
        Map<String, String> packageOf = new TreeMap<>();
        code.forEach((file, text) -> {
            Matcher m = PACKAGE.matcher(text);
            if (m.find()) {
                packages.add(m.group(1));
                packageOf.put(file, role(m.group(1)));
            }
        });
        Map<String, Set<String>> arrows = new TreeMap<>();
        packages.forEach(p -> arrows.put(role(p), new TreeSet<>()));
        code.forEach((file, text) -> {
            String from = packageOf.get(file);
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                String to = role(longestPackage(m.group(), packages));
                if (from != null && to != null && !to.equals(from)) {
                    arrows.get(from).add(to);
                }
            }
        });
        return arrows;
    }

    /** {@code kiln.sampler.Evidence.read} names {@code kiln.sampler}; a config key such as {@code kiln.http.token} names {@code kiln.http}. */
    private static String longestPackage(String name, Set<String> packages) {
        for (String n = name; n.contains("."); n = n.substring(0, n.lastIndexOf('.'))) {
            if (packages.contains(n)) {
                return n;
            }
        }
        return null;
    }

    /** {@code kiln.stress.cpu} is part of {@code kiln.stress}. */
    private static String role(String pkg) {
        if (pkg == null) {
            return null;
        }
        String[] parts = pkg.split("\\.");
        return parts.length <= 2 ? pkg : parts[0] + "." + parts[1];
    }

    /** One cycle, first package repeated at the end; empty when there is none. Depth-first, iterative. */
    static List<String> cycle(Map<String, Set<String>> arrows) {
        Map<String, Integer> state = new TreeMap<>(); // absent: unvisited, 1: on the path, 2: done
        for (String start : new TreeSet<>(arrows.keySet())) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            Deque<ArrayDeque<String>> pending = new ArrayDeque<>();
            path.addLast(start);
            state.put(start, 1);
            pending.addLast(new ArrayDeque<>(new TreeSet<>(arrows.getOrDefault(start, Set.of()))));
            while (!path.isEmpty()) {
                String next = pending.getLast().pollFirst();
                if (next == null) {
                    state.put(path.removeLast(), 2);
                    pending.removeLast();
                } else if (Integer.valueOf(1).equals(state.get(next))) {
                    List<String> out = new ArrayList<>(path);
                    out = new ArrayList<>(out.subList(out.indexOf(next), out.size()));
                    out.add(next);
                    return out;
                } else if (!state.containsKey(next)) {
                    state.put(next, 1);
                    path.addLast(next);
                    pending.addLast(new ArrayDeque<>(new TreeSet<>(arrows.getOrDefault(next, Set.of()))));
                }
            }
        }
        return List.of();
    }
}
