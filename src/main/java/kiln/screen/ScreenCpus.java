package kiln.screen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import kiln.util.CpuList;

/**
 * The cpus a screen can be pinned to: those this process may run on ({@code Cpus_allowed_list},
 * its affinity and cpuset) that are online, by their kernel numbers. Not 0..availableProcessors-1:
 * under a CPU quota the JVM counts fewer processors than the machine has (2 on a 64-core host),
 * and under a cpuset such as {@code 4-7} cpus 0-3 cannot be pinned to at all.
 */
final class ScreenCpus {
    private ScreenCpus() {
    }

    /** This process's cpus; 0..availableProcessors-1 where the kernel files cannot be read. */
    static List<Integer> mine() {
        List<Integer> cpus = of(read(Path.of("/proc/self/status")), read(Path.of("/sys/devices/system/cpu/online")));
        if (!cpus.isEmpty()) {
            return cpus;
        }
        List<Integer> guess = new ArrayList<>();
        for (int c = 0; c < Runtime.getRuntime().availableProcessors(); c++) {
            guess.add(c);
        }
        return guess;
    }

    /**
     * @param status the text of {@code /proc/<pid>/status} (empty when unknown)
     * @param online the text of {@code /sys/devices/system/cpu/online} (empty when unknown: every allowed cpu counts)
     * @return the allowed cpus that are online, ascending; empty when the allowed list is unknown
     */
    static List<Integer> of(String status, String online) {
        List<Integer> allowed = List.of();
        for (String line : status.split("\n")) {
            if (line.startsWith("Cpus_allowed_list:")) {
                allowed = CpuList.parse(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        List<Integer> up = CpuList.parse(online.strip());
        List<Integer> out = new ArrayList<>();
        for (int c : allowed) {
            if (up.isEmpty() || up.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Said at start when a CPU quota gives this process less than one full core for each cpu a
     * screen burns: its burners then run throttled, and a screen proves less than it claims.
     */
    static Optional<String> quotaWarning(Optional<Double> quotaCores, int coresAtOnce) {
        if (quotaCores.isPresent() && quotaCores.get() < coresAtOnce) {
            return Optional.of(String.format(Locale.ROOT, "a CPU quota of %.2f cores is less than kiln.screen.cores-at-once = %d:"
                    + " a screen's burners run throttled, below full load; lower cores-at-once or raise the quota",
                    quotaCores.get(), coresAtOnce));
        }
        return Optional.empty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
