package kiln.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The per-core ledger as JSON: the body of {@code GET /api/v1/cores}, the {@code cores} block of a
 * kept report, and what {@code kiln check} reads back from a daemon. Stateless.
 */
public final class CoresDocument {
    private CoresDocument() {
    }

    /** {@code {"ledger": path, "problem": …, "failures": n, "recidivist": ["3"], "cores": [{…}]}}. */
    public static Map<String, Object> of(LedgerReading r, String path, String problem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ledger", path);
        m.put("problem", problem);
        m.put("failures", r.failures().size());
        m.put("recidivist", r.recidivists().stream().map(LedgerReading.Core::cpu).toList());
        m.put("rule", "recidivist: failures in two separate runs, or in one run " + LedgerReading.SEPARATE.toHours() + " h apart or more");
        List<Map<String, Object>> cores = new ArrayList<>();
        for (LedgerReading.Core c : r.cores().values()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("cpu", Integer.parseInt(c.cpu()));
            one.put("failures", c.failures());
            one.put("recidivist", c.recidivist());
            one.put("runs", List.copyOf(c.runs()));
            one.put("methods", List.copyOf(c.methods()));
            one.put("first", c.first().toString());
            one.put("last", c.last().toString());
            one.put("injected_only", c.injectedOnly());
            cores.add(one);
        }
        m.put("cores", cores);
        return m;
    }

    /**
     * The recidivist cores of a document {@link #of} made, read as untrusted input: an entry whose
     * fields are not what kiln writes is a {@link IllegalArgumentException}.
     */
    public static List<LedgerReading.Core> recidivists(Map<String, Object> doc) {
        List<LedgerReading.Core> out = new ArrayList<>();
        if (!(doc.get("cores") instanceof List<?> cores)) {
            throw new IllegalArgumentException("no cores list");
        }
        for (Object o : cores) {
            if (!(o instanceof Map<?, ?> c) || !(c.get("recidivist") instanceof Boolean b)) {
                throw new IllegalArgumentException("a core entry without recidivist");
            }
            if (!b) {
                continue;
            }
            try {
                out.add(new LedgerReading.Core(String.valueOf(((Number) c.get("cpu")).intValue()), ((Number) c.get("failures")).longValue(),
                        strings(c.get("runs")), strings(c.get("methods")), Instant.parse((String) c.get("first")),
                        Instant.parse((String) c.get("last")), Boolean.TRUE.equals(c.get("injected_only")), true));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("a core entry kiln did not write: " + e.getMessage());
            }
        }
        return out;
    }

    private static Set<String> strings(Object list) {
        Set<String> out = new TreeSet<>();
        for (Object o : (List<?>) list) {
            out.add((String) o);
        }
        return out;
    }
}
