package kiln.report;

import kiln.link.Outcome;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * A kept run report read back (the daemon's {@code .kiln-runs}): what a restarted daemon takes
 * its last verdict from. Read as untrusted input: bounded in size (by the reader) and nesting
 * depth, its fields checked for type, and anything wrong is an {@link Unreadable} naming why,
 * never an exception that escapes. Immutable.
 *
 * @param sequence the run's place in the daemon's order of runs (0 for a report from before
 *                 sequences were kept)
 * @param verdict  the run's verdict
 * @param end      when the run ended (as its clock said: not what orders runs)
 * @param document the whole report
 */
public record KeptReport(long sequence, Outcome verdict, Instant end, Map<String, Object> document) {
    /** Deepest nesting of arrays and objects read: a report kiln writes is 4 deep. */
    public static final int MAX_DEPTH = 32;
    /** The field a kept report carries its sequence in. */
    public static final String SEQUENCE = "sequence";

    /** Why a kept report cannot be used, in words: "empty", "not JSON: …", "nested deeper than 32". */
    public static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads {@code json} as a kept report. */
    public static KeptReport parse(String json) throws Unreadable {
        if (json.isBlank()) {
            throw new Unreadable("empty (a write that never finished)");
        }
        if (kiln.util.Json.depth(json, MAX_DEPTH) > MAX_DEPTH) { // counted before the parser, which recurses once a level
            throw new Unreadable("nested deeper than " + MAX_DEPTH + " levels: not a report kiln wrote");
        }
        Map<String, Object> doc;
        try {
            doc = com.typesafe.config.ConfigFactory.parseString(json, com.typesafe.config.ConfigParseOptions.defaults()
                    .setSyntax(com.typesafe.config.ConfigSyntax.JSON)).root().unwrapped();
        } catch (RuntimeException | StackOverflowError e) {
            throw new Unreadable("not JSON (cut short or damaged): " + e.getMessage());
        }
        if (!(doc.get("verdict") instanceof String v)) {
            throw new Unreadable("no verdict");
        }
        Outcome outcome = outcome(v).orElseThrow(() -> new Unreadable("an unknown verdict: " + shorten(v)));
        if (!(doc.get("end") instanceof String t)) {
            throw new Unreadable("no end time");
        }
        Instant end;
        try {
            end = Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new Unreadable("an end time that is not one: " + shorten(t));
        }
        Object seq = doc.getOrDefault(SEQUENCE, 0);
        if (!(seq instanceof Integer || seq instanceof Long) || ((Number) seq).longValue() < 0) {
            throw new Unreadable("a sequence that is not a count: " + shorten(String.valueOf(seq)));
        }
        return new KeptReport(((Number) seq).longValue(), outcome, end, doc);
    }

    /** The outcome whose label is {@code label}. */
    public static Optional<Outcome> outcome(String label) {
        for (Outcome o : Outcome.values()) {
            if (o.label().equals(label)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
