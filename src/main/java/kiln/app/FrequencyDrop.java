package kiln.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Throttling seen as frequency: under load (the machine at least half busy), the CPUs' median
 * clock staying below {@link #SHARE} of their rated maximum ({@code cpuinfo_max_freq}) is a
 * sustained drop, named. Machines that report no clock or no maximum (most VMs) are not judged.
 */
final class FrequencyDrop {
    /** Below this share of the maximum, under load, the clock has dropped. */
    static final double SHARE = 0.8;
    /** Readings under load needed before judging. */
    static final int MIN_READINGS = 10;

    private FrequencyDrop() {
    }

    /** The rated maximum of the cpus under {@code root}, in Hz: the highest {@code cpuinfo_max_freq}. */
    static Optional<Double> maxHz(Path root) {
        double max = -1;
        try (var cpus = Files.newDirectoryStream(root.resolve("sys/devices/system/cpu"), "cpu[0-9]*")) {
            for (Path cpu : cpus) {
                try {
                    max = Math.max(max, Long.parseLong(Files.readString(cpu.resolve("cpufreq/cpuinfo_max_freq")).strip()) * 1000.0);
                } catch (java.io.IOException | NumberFormatException e) {
                    // this cpu has no cpufreq
                }
            }
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        return max > 0 ? Optional.of(max) : Optional.empty();
    }

    /**
     * @param columns the run's history: "cpu_frequency_ghz" and "cpu_load_percent" per reading
     * @return the finding, when the clock dropped
     */
    static Optional<String> find(Map<String, List<Double>> columns, Optional<Double> maxHz) {
        List<Double> ghz = columns.getOrDefault("cpu_frequency_ghz", List.of());
        List<Double> load = columns.getOrDefault("cpu_load_percent", List.of());
        if (maxHz.isEmpty()) {
            return Optional.empty();
        }
        List<Double> underLoad = new ArrayList<>();
        for (int i = 0; i < Math.min(ghz.size(), load.size()); i++) {
            if (ghz.get(i) != null && load.get(i) != null && load.get(i) >= 50) {
                underLoad.add(ghz.get(i) * 1e9);
            }
        }
        if (underLoad.size() < MIN_READINGS) {
            return Optional.empty();
        }
        underLoad.sort(null);
        double median = underLoad.get(underLoad.size() / 2);
        double share = median / maxHz.get();
        if (share >= SHARE) {
            return Optional.empty();
        }
        return Optional.of(String.format(java.util.Locale.ROOT,
                "cpu clock under load %.2f GHz, %.0f%% of its maximum %.2f GHz (throttled)", median / 1e9, share * 100, maxHz.get() / 1e9));
    }
}
