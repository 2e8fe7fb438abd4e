package kiln.link;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message on the link: a type and named fields, immutable. See {@link FrameCodec} for the
 * wire format.
 *
 * @param type   lower-case word such as {@code stats}
 * @param fields field names to raw (decoded) values, in the order they were written
 */
public record Frame(String type, Map<String, String> fields) {

    public Frame {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Builder of(String type) {
        return new Builder(type);
    }

    /** The field as a long, or {@code fallback} when absent. */
    public long getLong(String name, long fallback) throws MalformedFrameException {
        String v = fields.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new MalformedFrameException("field " + name + " is not a whole number: " + v);
        }
    }

    /** The field as a string, or {@code fallback} when absent. */
    public String get(String name, String fallback) {
        return fields.getOrDefault(name, fallback);
    }

    /** Field-by-field builder; names must match {@code [a-z0-9_.]+}. */
    public static final class Builder {
        private final String type;
        private final Map<String, String> fields = new LinkedHashMap<>();

        private Builder(String type) {
            this.type = type;
        }

        public Builder put(String name, long value) {
            return put(name, Long.toString(value));
        }

        public Builder put(String name, boolean value) {
            return put(name, value ? "1" : "0");
        }

        public Builder put(String name, String value) {
            if (!FrameCodec.isName(name)) {
                throw new IllegalArgumentException("bad field name: " + name);
            }
            fields.put(name, value);
            return this;
        }

        public Frame build() {
            return new Frame(type, fields);
        }
    }
}
