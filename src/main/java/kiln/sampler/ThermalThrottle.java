package kiln.sampler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Times each cpu's core and package slowed themselves to cool down:
 * {@code /sys/devices/system/cpu/cpu<N>/thermal_throttle/{core,package}_throttle_count} (x86 with
 * the thermal driver). Places: {@code cpu3/core}, {@code cpu3/package}. Unavailable in most VMs.
 */
public final class ThermalThrottle extends SingleSourceReader {
    /** Thermal throttle events per cpu and scope. */
    public static final Evidence.Source THROTTLE = new PlainSource("thermal_throttle", "thermal throttle events per cpu (thermal_throttle)",
            Evidence.Kind.THROTTLING, "thermal throttle events", List.of(new Evidence.Series("kiln.thermal.throttle.events",
                    "Thermal throttle events (thermal_throttle)", null, 1, ThermalThrottle::labels)));

    private static final List<String> SCOPES = List.of("core", "package");

    ThermalThrottle() {
        super(THROTTLE);
    }

    /** {@code cpu3/core} is {@code cpu="3", scope="core"}. */
    private static Optional<Map<String, String>> labels(String place) {
        String[] parts = place.split("/");
        return parts.length == 2 && parts[0].startsWith("cpu")
                ? Optional.of(Map.of("cpu", parts[0].substring(3), "scope", parts[1])) : Optional.empty();
    }

    @Override
    protected Map<String, Long> counters(Path root) {
        Map<String, Long> counts = new TreeMap<>();
        for (Path cpu : KernelFiles.children(root.resolve("sys/devices/system/cpu"), "cpu[0-9]*")) {
            Path t = cpu.resolve("thermal_throttle");
            for (String scope : SCOPES) {
                long n = KernelFiles.number(t.resolve(scope + "_throttle_count"));
                if (n >= 0) {
                    counts.put(cpu.getFileName() + "/" + scope, n);
                }
            }
        }
        return counts;
    }
}
