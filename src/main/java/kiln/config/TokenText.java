package kiln.config;

import java.util.Locale;

/**
 * What a bearer token may be made of: visible ASCII, no spaces, no control characters. A token
 * with a trailing newline (from {@code $(cat file)} or an env file) would otherwise be accepted
 * and never match what a client sends, since the header cannot carry it.
 */
public final class TokenText {
    private TokenText() {
    }

    /** Null when {@code token} can be used; otherwise what is wrong, naming the character but not showing the token. */
    public static String problem(String token) {
        if (token.isEmpty()) {
            return "expected a token, found nothing";
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return String.format(Locale.ROOT, "expected visible ASCII characters without spaces, but character %d of %d is %s%s",
                        i + 1, token.length(), name(c), c == '\n' || c == '\r' ? " (a newline from $(cat file) or an env file?)" : "");
            }
        }
        return null;
    }

    /** How a token is shown in a message: its length, never its characters. */
    public static String shown(String token) {
        return "<" + token.length() + " characters, not shown>";
    }

    private static String name(char c) {
        return switch (c) {
            case '\n' -> "a line feed (\\n)";
            case '\r' -> "a carriage return (\\r)";
            case '\t' -> "a tab (\\t)";
            case ' ' -> "a space";
            default -> String.format(Locale.ROOT, "U+%04X", (int) c);
        };
    }
}
