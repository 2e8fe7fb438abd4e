package kiln.report;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/**
 * JSON text of a report's maps, lists, strings, numbers and booleans, as people and scripts read
 * it: keys in the order the report put them (schema version and identity first), and numbers
 * written plainly ({@code 1263807688}, {@code 0.25}), never in exponent form. A NaN or infinite
 * number has no value and is written as {@code null}. Thread-safe (stateless).
 */
public final class JsonText {
    private JsonText() {
    }

    /** Indented JSON of {@code map}, for files people read. */
    public static String pretty(Map<String, ?> map) {
        StringBuilder out = new StringBuilder(4096);
        write(out, map, "  ", 0);
        return out.toString();
    }

    /** Compact JSON of {@code map}, on one line. */
    public static String compact(Map<String, ?> map) {
        StringBuilder out = new StringBuilder(4096);
        write(out, map, null, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v, String indent, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Map<?, ?> m) {
            block(out, '{', '}', m.entrySet(), indent, depth);
        } else if (v instanceof Collection<?> c) {
            block(out, '[', ']', c, indent, depth);
        } else if (v instanceof Object[] a) {
            block(out, '[', ']', java.util.Arrays.asList(a), indent, depth);
        } else if (v instanceof Boolean) {
            out.append(v);
        } else if (v instanceof Number n) {
            out.append(number(n));
        } else {
            string(out, v.toString());
        }
    }

    private static void block(StringBuilder out, char open, char close, Collection<?> items, String indent, int depth) {
        out.append(open);
        boolean first = true;
        for (Object item : items) {
            out.append(first ? "" : ",");
            first = false;
            newline(out, indent, depth + 1);
            if (item instanceof Map.Entry<?, ?> e) {
                string(out, String.valueOf(e.getKey()));
                out.append(indent == null ? ":" : " : ");
                write(out, e.getValue(), indent, depth + 1);
            } else {
                write(out, item, indent, depth + 1);
            }
        }
        if (!first) {
            newline(out, indent, depth);
        }
        out.append(close);
    }

    private static void newline(StringBuilder out, String indent, int depth) {
        if (indent != null) {
            out.append('\n').append(indent.repeat(depth));
        }
    }

    /** A number as plain digits: integers as they are, fractions without an exponent and without trailing zeros. */
    static String number(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return "null";
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (n instanceof BigDecimal b) {
            return b.toPlainString();
        }
        return n.toString();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
