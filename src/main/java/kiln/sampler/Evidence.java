package kiln.sampler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Hardware evidence a burn-in verdict rests on: one reading of every registered {@link Source}
 * ({@link EvidenceSources}), each read from the kernel's files under a root ("/" in production, a
 * fixture tree in tests). A source this machine does not have is absent from {@link #sources()},
 * never read as 0. Immutable; reading needs no root privileges.
 *
 * @param consulted every source asked, available or not, in the order reports list them
 * @param sources   per available source, its counters by place ("mc0", "mc0/dimm2", "cpu3",
 *                  "cpu3/package", "nr_throttled")
 */
public record Evidence(List<Source> consulted, Map<Source, Map<String, Long>> sources) {

    /**
     * What a counter means, asked by the verdict, the metrics and the reports instead of its name.
     * Implementations are immutable; a kernel source ({@link EvidenceReader}) gives one or more.
     */
    public interface Source {
        /** Its name in metrics ({@code kiln_evidence_available{source}}) and in reports: {@code edac_corrected}. */
        String label();

        /** In words, with where it is read: "corrected memory errors (EDAC)". */
        String description();

        /** What its growth during a run says to the verdict. */
        Kind kind();

        /** What one of its counts is, for a verdict's reason: "machine check exceptions". */
        default String noun() {
            return description();
        }

        /** The count a run is judged on, from its counters by place: by default their sum. */
        default long total(Map<String, Long> counters) {
            return counters.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Places whose counter is above zero, for naming the culprit ("cpu3", "mc0/dimm2"). */
        default List<String> culprits(Map<String, Long> counters) {
            List<String> out = new ArrayList<>();
            counters.forEach((place, n) -> {
                if (n > 0) {
                    out.add(place);
                }
            });
            return out;
        }

        /** The verdict's reason when it grew by {@code n}: "1 machine check exceptions (cpu2)". */
        default String finding(long n, List<String> places) {
            return n + " " + noun() + " (" + String.join(", ", places) + ")";
        }

        /** The Prometheus counters its places export; none by default ({@code kiln_evidence_available} still says it is read). */
        default List<Series> series() {
            return List.of();
        }
    }

    /** What a source's growth during a run says to the verdict. */
    public enum Kind {
        /** A fault the hardware could not correct: any fails the run. */
        FAULT,
        /** Errors the hardware corrected: more than {@code kiln.verdict.max-corrected-errors} fail the run, any degrade it. */
        CORRECTED,
        /** Times the hardware slowed itself to cool down: more than {@code kiln.verdict.max-throttle-events} degrade the run. */
        THROTTLING,
        /**
         * Thermal alarms, which throttling follows: counted with {@link #THROTTLING} (the sources count the same
         * events, so the largest count stands), their places named only where no throttle counter names one.
         */
        THERMAL_ALARM,
        /** Work the kernel took from the run (processes killed): the run cannot vouch for the machine. */
        LOST_WORK,
        /** Shown in reports and metrics, not weighed: the container's CPU quota, threshold interrupts. */
        CONTEXT
    }

    /**
     * One Prometheus counter a source's places export.
     *
     * @param name     the meter's name ({@code kiln.machine.checks}; the registry adds the unit and {@code _total})
     * @param help     its description
     * @param baseUnit "seconds" or another base unit, or null for a plain count
     * @param divisor  counts per base unit (1e6 where the kernel counts microseconds and the metric says seconds)
     * @param labels   per place, its labels, or empty where the place is not a series of its own (a DIMM under its controller)
     */
    public record Series(String name, String help, String baseUnit, double divisor, Function<String, Optional<Map<String, String>>> labels) {
        /** One series per top-level place {@code <prefix><n>} ("cpu3", "mc0"), labelled {@code label="<n>"}. */
        public static Series perPlace(String name, String help, String label, String prefix) {
            return new Series(name, help, null, 1, place -> place.startsWith(prefix) && !place.contains("/")
                    ? Optional.of(Map.of(label, place.substring(prefix.length()))) : Optional.empty());
        }

        /** One unlabelled series, the counter at {@code place}. */
        public static Series of(String name, String help, String place) {
            return new Series(name, help, null, 1, p -> p.equals(place) ? Optional.of(Map.of()) : Optional.empty());
        }

        /** The same, in {@code baseUnit}, the counter divided by {@code divisor}. */
        public Series in(String unit, double by) {
            return new Series(name, help, unit, by, labels);
        }
    }

    public Evidence {
        Set<Source> asked = new LinkedHashSet<>(consulted);
        asked.addAll(sources.keySet());
        Map<Source, Map<String, Long>> copy = new LinkedHashMap<>();
        for (Source s : asked) {
            Map<String, Long> v = sources.get(s);
            if (v != null) {
                copy.put(s, Collections.unmodifiableMap(new TreeMap<>(v)));
            }
        }
        consulted = List.copyOf(asked);
        sources = Collections.unmodifiableMap(copy);
    }

    /** What {@code sources} says, the built-in sources consulted ({@code new Evidence(Map.of())}: none of them read). */
    public Evidence(Map<Source, Map<String, Long>> sources) {
        this(EvidenceSources.BUILT_IN.sources(), sources);
    }

    /** Reads every built-in source on this machine. */
    public static Evidence read() {
        return read(Path.of("/"));
    }

    /** Reads every built-in source under {@code root}. Never throws: an unreadable source is absent. */
    public static Evidence read(Path root) {
        return EvidenceSources.BUILT_IN.read(root);
    }

    public boolean available(Source s) {
        return sources.containsKey(s);
    }

    /** The count a run is judged on ({@link Source#total}); empty when the source is unavailable. */
    public Optional<Long> total(Source s) {
        Map<String, Long> v = sources.get(s);
        return v == null ? Optional.empty() : Optional.of(s.total(v));
    }

    /** A place's counter; 0 where the source or the place is absent. */
    public long count(Source s, String place) {
        return sources.getOrDefault(s, Map.of()).getOrDefault(place, 0L);
    }

    /** What grew from {@code before} to this reading, per source and place; sources missing in either are absent. */
    public Evidence since(Evidence before) {
        Map<Source, Map<String, Long>> d = new LinkedHashMap<>();
        sources.forEach((s, now) -> {
            Map<String, Long> then = before.sources.get(s);
            if (then != null) {
                Map<String, Long> delta = new TreeMap<>();
                now.forEach((k, v) -> delta.put(k, Math.max(0, v - then.getOrDefault(k, v))));
                d.put(s, delta);
            }
        });
        return new Evidence(consulted, d);
    }

    /** Places whose counter is above zero ({@link Source#culprits}), such as "cpu3" or "mc0/dimm2"; for naming the culprit. */
    public List<String> nonZero(Source s) {
        Map<String, Long> v = sources.get(s);
        return v == null ? List.of() : s.culprits(v);
    }
}
