package kiln.link;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The link's wire format, version 1. One frame per line, ASCII:
 *
 * <pre>
 * frame  = "kiln/1" SP type *(SP field) LF
 * type   = 1*(a-z)
 * field  = name "=" value
 * name   = 1*(a-z / 0-9 / "_" / ".")
 * value  = *(visible ASCII except "%", "=", SP, or "%" 2HEXDIG escaping any byte of UTF-8)
 * </pre>
 *
 * A line is at most {@link #MAX_LINE} bytes. Fields a reader does not know are ignored, so a newer
 * worker can add fields; a change that old readers would misread bumps the version in the prefix.
 * Anything else — another prefix, bad escape, control byte, over-long line — is malformed: the
 * reader counts it and goes on with the next line.
 *
 * <p>The frames, typed as {@link Message}s (only this package reads or writes the words):
 * supervisor to worker (stdin): {@code start} (a {@link WorkerSpec}: the worker prepares its
 * stressors and reports in), {@code go} (the common start: stressors run), {@code load pct=N.NNN},
 * {@code fault stressor=cpu|files|memory|cross-core offset=N}, {@code stop}. End of stdin means
 * stop now. Worker to supervisor (stdout): {@code hello pid=N id=N io=native|nio|none cpus=LIST},
 * {@code stats} (cumulative {@link WorkerStats}, four a second, the first once prepared),
 * {@code mismatch stressor= method= expected= actual= where= at=} (one wrong result),
 * {@code digest batch=N value=HEX} (cross-core check), {@code bye files_left=N}.
 */
public final class FrameCodec {
    public static final String PREFIX = "kiln/1";
    /** Longest accepted line in bytes, newline excluded. */
    public static final int MAX_LINE = 16 * 1024;

    private FrameCodec() {
    }

    static boolean isName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isType(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 'a' || c > 'z') {
                return false;
            }
        }
        return true;
    }

    /** The frame as one line, with its trailing newline. */
    public static String encode(Frame frame) {
        if (!isType(frame.type())) {
            throw new IllegalArgumentException("bad frame type: " + frame.type());
        }
        StringBuilder sb = new StringBuilder(64 + frame.fields().size() * 24);
        sb.append(PREFIX).append(' ').append(frame.type());
        for (Map.Entry<String, String> e : frame.fields().entrySet()) {
            sb.append(' ').append(e.getKey()).append('=');
            escape(e.getValue(), sb);
        }
        return sb.append('\n').toString();
    }

    private static void escape(String value, StringBuilder sb) {
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%' && c != '=') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
    }

    /**
     * Parses one line (without its newline).
     *
     * @throws MalformedFrameException saying what is wrong
     */
    public static Frame decode(CharSequence line) throws MalformedFrameException {
        if (line.length() > MAX_LINE) {
            throw new MalformedFrameException("line longer than " + MAX_LINE + " bytes");
        }
        String s = line.toString();
        if (s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        String[] parts = s.split(" ", -1);
        if (parts.length < 2 || !PREFIX.equals(parts[0])) {
            throw new MalformedFrameException("does not start with \"" + PREFIX + " \": " + abbreviate(s));
        }
        if (!isType(parts[1])) {
            throw new MalformedFrameException("bad frame type: " + abbreviate(parts[1]));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 2; i < parts.length; i++) {
            String field = parts[i];
            int eq = field.indexOf('=');
            if (eq <= 0 || !isName(field.substring(0, eq))) {
                throw new MalformedFrameException("bad field: " + abbreviate(field));
            }
            fields.put(field.substring(0, eq), unescape(field.substring(eq + 1)));
        }
        return new Frame(parts[1], fields);
    }

    private static String unescape(String v) throws MalformedFrameException {
        if (v.indexOf('%') < 0) {
            checkVisible(v);
            return v;
        }
        byte[] out = new byte[v.length()];
        int n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%') {
                if (i + 2 >= v.length()) {
                    throw new MalformedFrameException("truncated escape in value: " + abbreviate(v));
                }
                int hi = Character.digit(v.charAt(i + 1), 16);
                int lo = Character.digit(v.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new MalformedFrameException("bad escape in value: " + abbreviate(v));
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f && c != '=') {
                out[n++] = (byte) c;
            } else {
                throw new MalformedFrameException("unescaped character in value: " + abbreviate(v));
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static void checkVisible(String v) throws MalformedFrameException {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '=') {
                throw new MalformedFrameException("unescaped character in value: " + abbreviate(v));
            }
        }
    }

    static String abbreviate(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 60; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 60 ? sb + "…" : sb.toString();
    }
}
