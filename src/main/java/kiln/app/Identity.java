package kiln.app;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import kiln.config.Settings;
import kiln.sampler.HostFacts;
import kiln.util.Version;

/** Who ran what, where and when: the head of every report. */
final class Identity {
    private Identity() {
    }

    static Map<String, Object> of(Settings settings, Instant start, Instant end, Host host) {
        HostFacts h = host.facts();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", h.hostname());
        m.put("start", start.toString());
        m.put("end", end.toString());
        m.put("kiln_version", Version.current());
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("kernel", h.kernel());
        m.put("cpu_model", h.cpuModel());
        m.put("microcode", h.microcode());
        m.put("cores", h.cores());
        m.put("threads", h.threads());
        m.put("memory_bytes", h.memoryBytes());
        m.put("hardware", host.hardware());
        m.put("cpu_frequency_at_end_hz", host.coreClocksHz());
        m.put("configuration", asMap(settings));
        return m;
    }

    /** A record as nested maps of its components, with durations, paths and other values as text. */
    static Object asMap(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Record r) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (c.getName().equals("token")) {
                    continue; // a secret stays out of reports
                }
                try {
                    m.put(snake(c.getName()), asMap(c.getAccessor().invoke(r)));
                } catch (ReflectiveOperationException e) {
                    m.put(snake(c.getName()), "?");
                }
            }
            return m;
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        return value.toString();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
