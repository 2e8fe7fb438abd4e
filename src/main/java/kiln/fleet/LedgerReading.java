package kiln.fleet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the per-core ledger says: every failure it holds, per core, which cores are recidivist, and
 * the lines it could not read. A damaged line is skipped and named ({@link #damaged}), never read
 * as "no failure": only failures are written, so a line lost is a failure of unknown core, and
 * whoever reads this must not call the machine clean on its strength ({@code kiln check} says
 * unknown). Immutable.
 *
 * @param failures the failures read, in the ledger's order
 * @param damaged  the lines that could not be read, each "line 12: why" (at most {@link #DAMAGED_KEPT})
 * @param damagedCount how many lines could not be read
 */
public record LedgerReading(List<CoreFailure> failures, List<String> damaged, int damagedCount) {
    /** Damaged lines named in full; past that only counted. */
    static final int DAMAGED_KEPT = 5;
    /**
     * Failures of one run this far apart count as separate occasions: a burn-in of days whose core
     * fails on day one and again on day three has failed twice, not once.
     */
    public static final Duration SEPARATE = Duration.ofHours(24);
    /** A ledger with nothing in it. */
    public static final LedgerReading EMPTY = new LedgerReading(List.of(), List.of(), 0);

    public LedgerReading {
        failures = List.copyOf(failures);
        damaged = List.copyOf(damaged);
    }

    /** Reads the ledger's bytes; {@code cut} says it was larger than what was read. */
    static LedgerReading of(byte[] bytes, boolean cut) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<CoreFailure> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        int badCount = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean last = i == lines.length - 1;
            if (last && line.isEmpty()) {
                break; // the newline that ends the ledger
            }
            String why = null;
            if (last) {
                why = cut ? "past the ledger's size limit: not read" : "cut short (no newline: a write that never finished)";
            } else if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            if (why == null) {
                try {
                    out.add(CoreFailure.parse(line));
                    continue;
                } catch (IllegalArgumentException e) {
                    why = e.getMessage();
                }
            }
            badCount++;
            if (bad.size() < DAMAGED_KEPT) {
                bad.add("line " + (i + 1) + ": " + why);
            }
        }
        return new LedgerReading(out, bad, badCount);
    }

    /** The same, with {@code more} failures after these. */
    public LedgerReading plus(List<CoreFailure> more) {
        List<CoreFailure> all = new ArrayList<>(failures);
        all.addAll(more);
        return new LedgerReading(all, damaged, damagedCount);
    }

    /**
     * One core's record.
     *
     * @param failures wrong results recorded
     * @param runs     the runs they came from
     * @param methods  the methods that failed
     * @param first    the first failure
     * @param last     the last
     * @param injectedOnly every failure was injected on purpose
     * @param recidivist   whether it failed on separate occasions: see {@link #recidivist(List)}
     */
    public record Core(String cpu, long failures, Set<String> runs, Set<String> methods, Instant first, Instant last,
                       boolean injectedOnly, boolean recidivist) {
    }

    /** Per core that failed, by cpu number. */
    public Map<String, Core> cores() {
        Map<String, List<CoreFailure>> byCpu = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        for (CoreFailure f : failures) {
            byCpu.computeIfAbsent(f.cpu(), c -> new ArrayList<>()).add(f);
        }
        Map<String, Core> out = new java.util.LinkedHashMap<>();
        byCpu.forEach((cpu, list) -> {
            Set<String> runs = new TreeSet<>();
            Set<String> methods = new TreeSet<>();
            Instant first = Instant.MAX;
            Instant last = Instant.MIN;
            for (CoreFailure f : list) {
                runs.add(f.run());
                methods.add(f.method());
                first = f.at().isBefore(first) ? f.at() : first;
                last = f.at().isAfter(last) ? f.at() : last;
            }
            boolean injectedOnly = list.stream().allMatch(f -> f.detail().injected());
            out.put(cpu, new Core(cpu, list.size(), Collections.unmodifiableSet(runs), Collections.unmodifiableSet(methods), first, last,
                    injectedOnly, recidivist(list)));
        });
        return out;
    }

    /** The recidivist cores, by cpu number. */
    public List<Core> recidivists() {
        return cores().values().stream().filter(Core::recidivist).toList();
    }

    /** Wrong results recorded per cpu number. */
    public Map<String, Long> failuresByCpu() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach(f -> out.merge(f.cpu(), 1L, Long::sum));
        return Collections.unmodifiableMap(out);
    }

    /**
     * The recidivism rule: a core's failures are from at least two separate runs, or from one run
     * at least {@link #SEPARATE} apart. Retests within a run never count: they are how one failure
     * is judged, not a second one.
     */
    static boolean recidivist(List<CoreFailure> ofOneCore) {
        Map<String, Instant[]> spanOfRun = new TreeMap<>();
        for (CoreFailure f : ofOneCore) {
            Instant[] span = spanOfRun.computeIfAbsent(f.run(), r -> new Instant[] {f.at(), f.at()});
            span[0] = f.at().isBefore(span[0]) ? f.at() : span[0];
            span[1] = f.at().isAfter(span[1]) ? f.at() : span[1];
        }
        if (spanOfRun.size() >= 2) {
            return true;
        }
        return spanOfRun.values().stream().anyMatch(s -> Duration.between(s[0], s[1]).compareTo(SEPARATE) >= 0);
    }

    /** "3 lines of the ledger are damaged: line 4: …; line 9: …", or null when none is. */
    public String damage() {
        if (damagedCount == 0) {
            return null;
        }
        return (damagedCount == 1 ? "1 line of the ledger is damaged: " : damagedCount + " lines of the ledger are damaged: ")
                + String.join("; ", damaged) + (damagedCount > damaged.size() ? "; …" : "");
    }
}
