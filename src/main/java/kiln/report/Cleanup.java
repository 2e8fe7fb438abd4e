package kiln.report;

import java.util.List;

/**
 * What a run left in its directory once its workers stopped and the sweep ran: files kiln
 * made and could not remove, and places it could not even look into (a dying disk).
 *
 * @param files     kiln's files still there
 * @param dir       the run's directory
 * @param shards    where they are, relative to {@code dir} ({@code w0/d000001})
 * @param uncounted why some places could not be looked into, or empty when every one was
 */
public record Cleanup(long files, String dir, List<String> shards, String uncounted) {
    /** Nothing left. */
    public static final Cleanup CLEAN = new Cleanup(0, "", List.of(), "");

    public Cleanup {
        shards = shards.stream().sorted().toList();
        uncounted = uncounted == null ? "" : uncounted;
    }

    /** Whether everything kiln made is known to be gone. */
    public boolean clean() {
        return files == 0 && uncounted.isEmpty();
    }

    /** The verdict's reason, or empty when {@link #clean}: "40,000 files left in /data (w0/d000018, …): …". */
    String reason() {
        if (clean()) {
            return "";
        }
        if (files == 0) {
            return "kiln could not tell whether it removed its files from " + dir + ": " + uncounted
                    + "; the next kiln on this directory sweeps what is left";
        }
        return String.format(java.util.Locale.ROOT, "%,d %s left in %s (%s%s): they could not be removed (see the log); the next kiln"
                + " on this directory sweeps them%s", files, files == 1 ? "file" : "files", dir,
                String.join(", ", shards.subList(0, Math.min(5, shards.size()))), shards.size() > 5 ? ", …" : "",
                uncounted.isEmpty() ? "" : "; more may be where kiln could not look: " + uncounted);
    }
}
