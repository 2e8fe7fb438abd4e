package kiln.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What kiln says to an option it does not know: what kiln calls it, for the options stress-ng users
 * type out of habit and kiln has no alias for; otherwise the nearest option of the command
 * ({@code --durtion}: did you mean --duration?). The aliases kiln does take ({@code --timeout},
 * {@code --verify}, {@code --metrics-brief}) are names of {@link RunCommand}'s options. Stateless.
 */
final class FieldHabits {
    /** stress-ng's option → what kiln calls it, for options whose meaning differs too much for an alias. */
    static final Map<String, String> KILN_CALLS = new LinkedHashMap<>();

    static {
        KILN_CALLS.put("--yaml", "kiln calls this --report FILE: the run's record as JSON, or one HTML page when FILE ends in .html");
        KILN_CALLS.put("--taskset", "kiln pins worker i to cpu i itself (kiln.workers.pin, on by default) and takes no cpu list:"
                + " --workers N runs on cpus 0 to N-1");
        KILN_CALLS.put("--cpu", "kiln calls this --workers N: one worker JVM per core, each with a CPU burner (--cpu-load, --cpu-method)");
        KILN_CALLS.put("--vm", "kiln calls this --memory SIZE (or a share such as 50%): the memory its workers hold, write and read back");
        KILN_CALLS.put("--vm-bytes", "kiln calls this --memory SIZE (or a share such as 50%): the memory its workers hold, write and read back");
        KILN_CALLS.put("--hdd", "kiln's disk stress is its file storm, on by default: --dir PATH, --fsync, --verify-files (--no-files turns it off)");
        KILN_CALLS.put("--aggressive", "kiln calls this --profile burnin: every core at 100%, half the memory, files fsynced and read back");
        KILN_CALLS.put("--maximize", "kiln calls this --profile burnin: every core at 100%, half the memory, files fsynced and read back");
    }

    private FieldHabits() {
    }

    /** What to say about {@code unknown} (an option as typed, "--taskset" or "--taskset=0,2") on {@code command}. */
    static String explain(String unknown, CommandSpec command) {
        String name = unknown.contains("=") ? unknown.substring(0, unknown.indexOf('=')) : unknown;
        String calls = KILN_CALLS.get(name);
        if (calls != null) {
            return "unknown option " + name + ": " + calls;
        }
        String near = nearest(name, command);
        return "unknown option " + name + (near == null ? "" : ": did you mean " + near + "?");
    }

    /** The option (or, at the top, the command) of {@code command} closest to {@code typed}, or null when none is near. */
    static String nearest(String typed, CommandSpec command) {
        List<String> names = new java.util.ArrayList<>();
        for (OptionSpec o : command.options()) {
            names.addAll(List.of(o.names()));
        }
        names.addAll(command.subcommands().keySet());
        String best = null;
        int bestDistance = Math.max(2, typed.length() / 3) + 1;
        for (String n : names) {
            int d = editDistance(typed, n);
            if (d < bestDistance) {
                bestDistance = d;
                best = n;
            }
        }
        return best;
    }

    /** Levenshtein distance, a swap of two neighbours counted once (Damerau): "--durtion" is 1 from "--duration". */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
