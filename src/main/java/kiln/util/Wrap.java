package kiln.util;

import java.util.ArrayList;
import java.util.List;

/**
 * Text wrapped for people: onto lines of at most a width, broken after a comma where one falls in
 * the second half of the line (so that an item of a list, "0 I/O errors", stays whole), else at a
 * space (a word longer than the line, such as a path, is broken where it must be), each
 * continuation line indented so that it sits under the first line's text. Thread-safe: holds no
 * state.
 */
public final class Wrap {
    /** The width kiln's own text keeps to: a terminal of 120 columns, less the last one (some terminals wrap on it). */
    public static final int COLUMNS = 119;

    private Wrap() {
    }

    /**
     * {@code first} followed by {@code text}, wrapped at {@code width}; continuation lines start with
     * as many spaces as {@code first} is long. Lines end without the line separator.
     */
    public static List<String> hanging(String first, String text, int width) {
        int indent = first.length();
        int room = Math.max(20, width - indent);
        List<String> out = new ArrayList<>();
        String rest = text.strip();
        String lead = first;
        while (rest.length() > room) {
            int comma = rest.lastIndexOf(", ", room - 1);
            int cut = comma >= room / 2 ? comma + 1 : rest.lastIndexOf(' ', room);
            if (cut <= 0) {
                cut = room; // one word longer than the line: break it
            }
            out.add(lead + rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
            lead = " ".repeat(indent);
        }
        out.add(lead + rest);
        return out;
    }

    /** The same, joined with {@code \n}. */
    public static String hangingText(String first, String text, int width) {
        return String.join("\n", hanging(first, text, width));
    }
}
