package kiln.stress.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the buffer is kept resident: advised to transparent huge pages ({@code madvise(MADV_HUGEPAGE)})
 * where the kernel offers them, and not locked, on purpose (an OOM-killed worker's locked memory is
 * not reaped, and the kernel takes a second process meanwhile: see {@code NativeMemory}). Said once
 * in the worker's log, e.g. {@code not locked (on purpose: …), huge pages advised}.
 *
 * @param locked  the whole buffer is locked (never, on purpose; kept for what reads it)
 * @param advised {@code MADV_HUGEPAGE} was applied to the whole buffer
 * @param text    what held and, for what did not, why
 */
public record Residency(boolean locked, boolean advised, String text) {
    /** Not attempted (the call was not made). */
    public static final int NOT_TRIED = -1;
    private static final Pattern CHOSEN = Pattern.compile("\\[([a-z]+)]");

    /** Direct buffers (JDK 17–21) make no native calls. */
    public static final Residency NONE = new Residency(false, false,
            "neither locked nor advised to huge pages (direct buffers: no native calls before JDK 22)");

    /** Why the buffer is not locked: said in every worker's line. */
    static final String NOT_LOCKED = "not locked (on purpose: the OOM reaper cannot free locked memory)";

    /**
     * @param thp          the kernel's transparent huge page mode ({@link #thpMode}): {@code always}, {@code madvise}, {@code never}, or null where there is none
     * @param madviseErrno 0: {@code madvise} succeeded; an errno; {@link #NOT_TRIED} (not offered)
     * @param collapsed    the kernel made the advised range huge pages at once ({@code MADV_COLLAPSE})
     */
    public static Residency of(String thp, int madviseErrno, boolean collapsed) {
        String advice;
        if (thp == null || thp.equals("never")) {
            advice = "huge pages not offered (transparent_hugepage " + (thp == null ? "absent" : "[never]") + ")";
        } else if (madviseErrno == 0) {
            advice = collapsed ? "huge pages advised (in huge pages now)" : "huge pages advised";
        } else if (madviseErrno == NOT_TRIED) {
            advice = "huge pages not advised";
        } else {
            advice = "huge pages not advised (madvise: errno " + madviseErrno + ")";
        }
        return new Residency(false, thp != null && !thp.equals("never") && madviseErrno == 0, NOT_LOCKED + ", " + advice);
    }

    /**
     * The mode chosen in a file shaped like {@code /sys/kernel/mm/transparent_hugepage/enabled}
     * ({@code always [madvise] never}): the bracketed word, or null where the file is absent or unreadable.
     */
    public static String thpMode(Path enabled) {
        try {
            Matcher m = CHOSEN.matcher(Files.readString(enabled));
            return m.find() ? m.group(1) : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** This machine's mode. */
    public static String thpMode() {
        return thpMode(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
    }
}
