package kiln.fleet;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One wrong result a core gave, as the per-core ledger keeps it: when, in which run, on which cpu,
 * by which method, the unit to replay (seed), the differing bits (mask) and how the retest on that
 * cpu reproduced it. One line of the ledger ({@link #line}, {@link #parse}): tab-separated, every
 * field checked against a narrow pattern when read back. Immutable.
 *
 * @param at     when the wrong result was seen
 * @param run    the run it came from: a kept report's id ({@code run-0000000042-20261206T133110Z}),
 *               or a screening burst's
 * @param cpu    the logical cpu, as Linux numbers it
 * @param method the CPU method ({@code fma}), or {@code cross-core} when the core disagreed with its siblings
 * @param detail seed, mask, retest and whether the fault was injected on purpose
 */
public record CoreFailure(Instant at, String run, String cpu, String method, Detail detail) {
    /** Longest ledger line read: the fields' patterns allow about 200 characters. */
    public static final int MAX_LINE = 512;
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,79}");
    private static final Pattern CPU = Pattern.compile("\\d{1,6}");
    private static final Pattern METHOD = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");
    private static final Pattern HEX = Pattern.compile("-|[0-9a-f]{1,32}");
    private static final Pattern RETEST = Pattern.compile("-|(\\d{1,6})/(\\d{1,6})");

    /**
     * @param seed         the failing unit's seed in hex, or "-" when the method has none
     * @param mask         the differing bits in hex, or "-"
     * @param retestFailed re-runs on the failing cpu that failed again (-1: not retested)
     * @param retestRuns   re-runs on the failing cpu
     * @param injected     the fault was injected on purpose ({@code --inject-fault}), not the hardware's
     */
    public record Detail(String seed, String mask, int retestFailed, int retestRuns, boolean injected) {
        /** Nothing known beyond the method. */
        public static final Detail NONE = new Detail("-", "-", -1, 0, false);
    }

    public CoreFailure {
        check("run", run, RUN);
        check("cpu", cpu, CPU);
        check("method", method, METHOD);
        check("seed", detail.seed(), HEX);
        check("mask", detail.mask(), HEX);
    }

    private static void check(String field, String value, Pattern p) {
        if (value == null || !p.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " = " + value + ": expected " + p.pattern());
        }
    }

    /** Whether the retest on the failing cpu reproduced it every time: "10/10". */
    public String retest() {
        return detail.retestFailed() < 0 ? "-" : detail.retestFailed() + "/" + detail.retestRuns();
    }

    /** The ledger line, newline included. */
    public String line() {
        return String.join("\t", at.toString(), run, cpu, method, detail.seed(), detail.mask(), retest(),
                detail.injected() ? "injected" : "hardware") + "\n";
    }

    /** The header a new ledger starts with: what the columns are. */
    static final String HEADER = "# kiln per-core failure ledger v1: time\trun\tcpu\tmethod\tseed\tmask\tretest(failed/runs)\torigin\n";

    /**
     * One ledger line read back (without its newline).
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static CoreFailure parse(String line) {
        if (line.length() > MAX_LINE) {
            throw new IllegalArgumentException("longer than " + MAX_LINE + " characters");
        }
        String[] f = line.split("\t", -1);
        if (f.length != 8) {
            throw new IllegalArgumentException(f.length + " fields, not 8");
        }
        Instant at;
        try {
            at = Instant.parse(f[0]);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time = " + abbreviate(f[0]) + ": not an instant");
        }
        java.util.regex.Matcher r = RETEST.matcher(f[6]);
        if (!r.matches()) {
            throw new IllegalArgumentException("retest = " + abbreviate(f[6]) + ": expected failed/runs or -");
        }
        if (!f[7].equals("injected") && !f[7].equals("hardware")) {
            throw new IllegalArgumentException("origin = " + abbreviate(f[7]) + ": expected injected or hardware");
        }
        int failed = r.group(1) == null ? -1 : Integer.parseInt(r.group(1));
        int runs = r.group(2) == null ? 0 : Integer.parseInt(r.group(2));
        try {
            return new CoreFailure(at, f[1], f[2], f[3], new Detail(f[4], f[5], failed, runs, f[7].equals("injected")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(abbreviate(e.getMessage()));
        }
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 40 ? clean : clean.substring(0, 40) + "…";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "cpu %s %s at %s (run %s, retest %s%s)", cpu, method, at, run, retest(),
                detail.injected() ? ", injected" : "");
    }
}
