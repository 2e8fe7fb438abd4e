package kiln.sampler;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What machine this is, read from {@code /proc} under a root: for reports and
 * {@code kiln_host_info}. Values the kernel does not give (a VM without microcode) are "unknown".
 *
 * @param hostname     the host's name
 * @param kernel       the running kernel's release
 * @param cpuModel     "model name" of the first cpu
 * @param microcode    the microcode revision of the first cpu
 * @param cores        physical cores (distinct package and core ids)
 * @param threads      logical cpus
 * @param memoryBytes  physical memory (MemTotal)
 */
public record HostFacts(String hostname, String kernel, String cpuModel, String microcode, int cores, int threads,
                        long memoryBytes) {
    static final String UNKNOWN = "unknown";

    public static HostFacts read() {
        return read(Path.of("/"));
    }

    public static HostFacts read(Path root) {
        String model = UNKNOWN;
        String microcode = UNKNOWN;
        int threads = 0;
        Set<String> cores = new HashSet<>();
        String physical = "0";
        for (String line : KernelFiles.lines(root.resolve("proc/cpuinfo"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "processor" -> threads++;
                case "model name" -> model = model.equals(UNKNOWN) ? value : model;
                case "microcode" -> microcode = microcode.equals(UNKNOWN) ? value : microcode;
                case "physical id" -> physical = value;
                case "core id" -> cores.add(physical + "/" + value);
                default -> { }
            }
        }
        long memory = -1;
        for (String line : KernelFiles.lines(root.resolve("proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.substring(9).strip().split("\\s+");
                memory = Long.parseLong(f[0]) * 1024;
            }
        }
        String kernel = first(root.resolve("proc/sys/kernel/osrelease"));
        String hostname = first(root.resolve("proc/sys/kernel/hostname"));
        if (hostname.equals(UNKNOWN) && root.equals(Path.of("/"))) {
            try {
                hostname = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                // stays unknown
            }
        }
        return new HostFacts(hostname, kernel, model, microcode, cores.isEmpty() ? threads : cores.size(), threads, memory);
    }

    private static String first(Path p) {
        List<String> l = KernelFiles.lines(p);
        return l.isEmpty() || l.get(0).isBlank() ? UNKNOWN : l.get(0).strip();
    }

}
