package kiln.config;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import kiln.link.Stressor;

/** Reads {@code kiln.screen.*} into {@link Settings.Screen}. Stateless. */
final class ScreenKeys {
    /**
     * The burners rotate methods once a second ({@code all}): a shorter burst per method would leave
     * methods unrun in a screen.
     */
    static final Duration SHORTEST_BURST = Duration.ofSeconds(1);

    private ScreenKeys() {
    }

    static Settings.Screen read(Reader r, int logicalCores) {
        var burst = new Settings.Screen.Burst(r.durationIn("kiln.screen.burst", SHORTEST_BURST, Duration.ofMinutes(1)),
                r.bytesIn("kiln.screen.memory", 0, 1L << 30));
        var limits = new Settings.Screen.Limits(r.intIn("kiln.screen.max-load", 1, 100),
                r.decimalIn("kiln.screen.duty", 0.01, 100));
        return new Settings.Screen(r.bool("kiln.screen.enabled"), r.intIn("kiln.screen.cores-at-once", 1, logicalCores),
                r.durationIn("kiln.screen.window", Duration.ofSeconds(1), Duration.ofDays(365)), burst, limits,
                fault(r, burst.memoryBytes() > 0, logicalCores));
    }

    /** "" (none), cpu, memory (when the screen has a buffer) or cpu:&lt;method&gt;, on one core. */
    private static Settings.Screen.Fault fault(Reader r, boolean memory, int logicalCores) {
        String key = "kiln.screen.inject-fault";
        String v = r.string(key).toLowerCase(java.util.Locale.ROOT);
        int cpu = r.intIn("kiln.screen.inject-fault-cpu", 0, logicalCores - 1);
        if (v.startsWith(kiln.link.FaultTarget.CpuMethod.PREFIX)) {
            if (kiln.stress.CpuMethod.parse(v.substring(kiln.link.FaultTarget.CpuMethod.PREFIX.length())).isEmpty()) {
                throw new SettingsException(key, SettingsException.quoted(v), "expected cpu:<method> with a method of "
                        + String.join(", ", kiln.stress.CpuMethod.values().stream().map(kiln.stress.CpuMethod::word).toList()));
            }
            return new Settings.Screen.Fault(v, cpu);
        }
        Set<String> choices = new TreeSet<>(Set.of("", Stressor.CPU.label(), Stressor.MEMORY.label()));
        String target = r.oneOf(key, choices);
        if (target.equals(Stressor.MEMORY.label()) && !memory) {
            throw new SettingsException(key, SettingsException.quoted(v), "the screen has no memory check (kiln.screen.memory = 0)");
        }
        return target.isEmpty() ? Settings.Screen.Fault.NONE : new Settings.Screen.Fault(target, cpu);
    }
}
