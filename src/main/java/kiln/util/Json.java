package kiln.util;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;

/**
 * JSON text of plain Java maps, lists, strings, numbers and booleans, through Typesafe Config; and
 * the depth check every JSON text kiln did not write passes before it is parsed.
 */
public final class Json {
    /**
     * Deepest nesting of objects and arrays accepted in JSON kiln reads (a request body, a kept
     * report). Typesafe Config's parser recurses once per level: a text nested thousands deep
     * overflows the stack, an Error no handler expects. kiln's own reports nest less than 10.
     */
    public static final int MAX_DEPTH = 64;

    private Json() {
    }

    /** Compact JSON of a map. */
    public static String object(Map<String, ?> map) {
        return ConfigValueFactory.fromMap(map).render(ConfigRenderOptions.concise());
    }

    /** Indented JSON of a map, for files people read. */
    public static String pretty(Map<String, ?> map) {
        return ConfigValueFactory.fromMap(map).render(ConfigRenderOptions.concise().setFormatted(true));
    }

    /**
     * How deep {@code text} nests objects and arrays, counting brackets outside strings; stops
     * counting past {@code limit}. Linear, no recursion: safe on any input.
     */
    public static int depth(CharSequence text, int limit) {
        int depth = 0;
        int deepest = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                deepest = Math.max(deepest, ++depth);
                if (deepest > limit) {
                    return deepest;
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return deepest;
    }

    /** Null when {@code text} nests at most {@link #MAX_DEPTH} deep; otherwise why it is refused. */
    public static String tooDeep(CharSequence text) {
        return depth(text, MAX_DEPTH) > MAX_DEPTH
                ? "JSON nested deeper than " + MAX_DEPTH + " levels of objects and arrays" : null;
    }
}
