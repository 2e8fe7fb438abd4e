package kiln.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The parameters of a run, one name each, shared by {@code kiln run}'s flags ({@code --cpu-load})
 * and the daemon's {@code POST /api/v1/run} JSON body ({@code "cpu-load": 80}): each maps to one
 * configuration key, so both are validated by the same rules and errors name what the user wrote.
 */
public final class RunParameters {
    /** How a parameter's value becomes the key's value. */
    public enum Kind { VALUE, SWITCH_ON, SWITCH_OFF }

    public record Parameter(String key, Kind kind) {
    }

    public static final Map<String, Parameter> ALL = new LinkedHashMap<>();

    static {
        value("duration", "kiln.run.duration");
        value("workers", "kiln.workers.count");
        value("cpu-load", "kiln.cpu.load");
        value("cpu-method", "kiln.cpu.method");
        ALL.put("no-cpu", new Parameter("kiln.cpu.enabled", Kind.SWITCH_OFF));
        ALL.put("no-files", new Parameter("kiln.files.enabled", Kind.SWITCH_OFF));
        value("memory", "kiln.memory.size");
        value("memory-patterns", "kiln.memory.patterns");
        value("dir", "kiln.files.dir");
        value("file-size", "kiln.files.size");
        value("max-files", "kiln.files.max-files");
        value("min-free", "kiln.files.min-free");
        value("min-free-inodes", "kiln.files.min-free-inodes");
        ALL.put("fsync", new Parameter("kiln.files.fsync", Kind.SWITCH_ON));
        ALL.put("verify-files", new Parameter("kiln.files.verify", Kind.SWITCH_ON));
        value("ramp", "kiln.run.ramp");
        ALL.put("until-ready", new Parameter("kiln.run.until-ready", Kind.SWITCH_ON));
        value("profile", "kiln.run.profile");
        value("inject-fault", "kiln.run.inject-fault");
        value("metrics-port", "kiln.http.port");
        value("report", "kiln.run.report");
    }

    /**
     * Parameters a request to the daemon may not give, with why: they name a file the daemon,
     * running as root, would write. On the command line they are the operator's.
     */
    public static final Map<String, String> NOT_IN_REQUESTS = Map.of("report",
            "a request never names a file to write; the daemon keeps each run's report by id (GET /api/v1/runs/{id})");

    private static void value(String name, String key) {
        ALL.put(name, new Parameter(key, Kind.VALUE));
    }

    private RunParameters() {
    }

    /**
     * Adds parameter {@code name} = {@code value} to the overrides; a switch given false is left out.
     *
     * @param nameOfKey receives key to the name as the user wrote it (for error messages)
     * @param shownName the name as the user wrote it: "--cpu-load" or "cpu-load"
     */
    public static void put(Map<String, Object> overrides, Map<String, String> nameOfKey, String name, String shownName, Object value) {
        Parameter p = ALL.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no run parameter " + name);
        }
        if (value == null) {
            return;
        }
        Object v = value;
        if (p.kind != Kind.VALUE) {
            if (!(value instanceof Boolean b)) {
                throw new BadParameter(shownName + " = " + value + ": expected true or false");
            }
            if (!b) {
                return;
            }
            v = p.kind == Kind.SWITCH_ON;
        }
        overrides.put(p.key, v);
        nameOfKey.put(p.key, shownName);
    }

    /**
     * Overrides from a JSON object such as {@code {"duration": "30s", "cpu-load": 50, "no-files": true}}.
     *
     * @throws BadParameter for invalid JSON, a non-object, an unknown name or a wrong type
     */
    public static Map<String, Object> fromJson(String body, Map<String, String> nameOfKey) {
        ConfigObject root;
        try {
            root = ConfigFactory.parseString(body.isBlank() ? "{}" : body,
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root();
        } catch (ConfigException.WrongType e) {
            throw new BadParameter("the body is not a JSON object: give one such as {\"duration\": \"30s\"}");
        } catch (ConfigException e) {
            // the parser's "String: 1: Expecting …" names the line of the body
            throw new BadParameter("the body is not a JSON object: " + e.getMessage().replaceFirst("^String: (\\d+): ", "line $1: "));
        }
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : root.entrySet()) {
            String name = e.getKey();
            if (!ALL.containsKey(name)) {
                throw new BadParameter(name + ": unknown parameter (known: " + String.join(", ", new TreeSet<>(ALL.keySet())) + ")");
            }
            ConfigValue v = e.getValue();
            if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST
                    || v.valueType() == ConfigValueType.NULL) {
                throw new BadParameter(name + " = " + v.render(com.typesafe.config.ConfigRenderOptions.concise()) + ": expected a string, number or boolean");
            }
            put(overrides, nameOfKey, name, name, v.unwrapped());
        }
        return overrides;
    }

    /**
     * Overrides from the body of a request to the daemon: as {@link #fromJson}, and refusing
     * {@link #NOT_IN_REQUESTS}. (A requested {@code dir} is checked by the daemon, which knows its own.)
     *
     * @throws BadParameter naming the field and the rule
     */
    public static Map<String, Object> fromRequest(String body, Map<String, String> nameOfKey) {
        Map<String, Object> overrides = fromJson(body, nameOfKey);
        for (Map.Entry<String, String> refused : NOT_IN_REQUESTS.entrySet()) {
            if (overrides.containsKey(ALL.get(refused.getKey()).key())) {
                throw new BadParameter(refused.getKey() + ": not accepted in a request: " + refused.getValue());
            }
        }
        return overrides;
    }

    /** A parameter that cannot be used; the message names it. */
    public static final class BadParameter extends RuntimeException {
        BadParameter(String message) {
            super(message);
        }
    }
}
