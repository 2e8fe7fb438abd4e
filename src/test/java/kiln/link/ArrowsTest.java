package kiln.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Arrows run one way: the supervisor's packages take the words they share with the workers from
 * {@code kiln.link}, never from the workers' implementation ({@code kiln.stress.*}), whether by an
 * import or by a qualified name in the code.
 */
final class ArrowsTest {
    private static final Path SOURCES = Path.of("src/main/java/kiln");
    private static final List<String> SUPERVISOR_SIDE = List.of("supervisor", "metrics", "report", "app", "http", "fleet", "screen");
    /** References that are implementation on purpose, with why. */
    private static final Map<String, String> ALLOWED = Map.of(
            "supervisor/WorkerPool.java: kiln.stress.CrossCore",
            "the cross-core referee recomputes a batch with the workers' own code: the answer, not a word");
    private static final Pattern COMMENT_OR_STRING = Pattern.compile(
            "//[^\\n]*|/\\*.*?\\*/|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])'", Pattern.DOTALL);
    private static final Pattern STRESS_REFERENCE = Pattern.compile("\\bkiln\\.stress(?:\\.[A-Za-z_][A-Za-z0-9_]*)*");

    /** What code (comments and string literals left out) refers to in {@code kiln.stress}. */
    static List<String> stressReferences(String source) {
        String code = COMMENT_OR_STRING.matcher(source).replaceAll(" ");
        List<String> out = new ArrayList<>();
        Matcher m = STRESS_REFERENCE.matcher(code);
        while (m.find()) {
            // a qualified name ends at the type: kiln.stress.CpuMethod.values -> kiln.stress.CpuMethod
            String ref = m.group();
            int type = indexOfType(ref);
            out.add(type < 0 ? ref : ref.substring(0, ref.indexOf('.', type) < 0 ? ref.length() : ref.indexOf('.', type)));
        }
        return out;
    }

    private static int indexOfType(String ref) {
        String[] parts = ref.split("\\.");
        int at = 0;
        for (String p : parts) {
            if (Character.isUpperCase(p.charAt(0))) {
                return at;
            }
            at += p.length() + 1;
        }
        return -1;
    }

    @Test
    void theSupervisorSide_namesNoWorkerImplementation() throws IOException {
        List<String> found = new ArrayList<>();
        for (String pkg : SUPERVISOR_SIDE) {
            try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    for (String ref : stressReferences(Files.readString(f))) {
                        String where = SOURCES.relativize(f) + ": " + ref;
                        if (!ALLOWED.containsKey(where)) {
                            found.add(where);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found, "take these words from kiln.link (Catalog, FileOp, IoPath, FaultTarget…)");
    }

    @Test
    void theScan_seesImportsAndQualifiedNames_notCommentsOrStrings() {
        assertEquals(List.of("kiln.stress.files.FileStorm", "kiln.stress.CpuMethod", "kiln.stress.memory.Patterns"),
                stressReferences("import kiln.stress.files.FileStorm;\n// kiln.stress.Gone\n/* kiln.stress.Gone */ String s = \"kiln.stress.Gone\";\n"
                        + "for (kiln.stress.CpuMethod m : x) { kiln.stress.memory.Patterns.names(); }"));
        assertEquals(List.of("kiln.stress.cpu"), stressReferences("import kiln.stress.cpu.*;"));
    }
}
