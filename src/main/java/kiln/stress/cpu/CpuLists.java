package kiln.stress.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kiln.util.CpuList;

/** The cpus of this machine as Linux lists them ({@code 0-2,5}): online, allowed to this process, and the taskset to pin to one. */
final class CpuLists {
    private CpuLists() {
    }

    /** A cpu that is online and not one of {@code allowed} (the kernel's list syntax), to retest on. */
    static Optional<Integer> otherCpu(String allowed) {
        List<Integer> mine = CpuList.parse(allowed);
        try {
            for (int c : CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/online")).strip())) {
                if (!mine.contains(c)) {
                    return Optional.of(c);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The cpus this process may run on, as Linux lists them; "?" when unknown. */
    static String allowed() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "?";
        }
        return "?";
    }

    /** The taskset binary, where a system keeps it. */
    static Optional<Path> taskset() {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
            Path p = Path.of(dir, "taskset");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
