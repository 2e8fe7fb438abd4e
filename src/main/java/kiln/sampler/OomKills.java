package kiln.sampler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Processes the kernel's OOM killer has killed, as counters by place: {@code cgroup}, in this
 * process's memory cgroup and below (v2 {@code memory.events}, v1 {@code memory.oom_control},
 * kernel 4.13+), or where there is none, {@code host}, on the whole machine ({@code /proc/vmstat}).
 * A counter the kernel does not have is absent. A worker OOM-killed during a run is evidence the
 * run did not stress as asked.
 */
public final class OomKills extends SingleSourceReader {
    /** Processes killed by the OOM killer. */
    public static final Evidence.Source KILLS = new Killed("oom_kills",
            "processes killed by the kernel's OOM killer (memory.events, memory.oom_control, /proc/vmstat)", Evidence.Kind.LOST_WORK,
            "processes killed by the kernel's OOM killer");

    /** One place is read (the cgroup, else the host); were there two, the cgroup's kills are among the host's. */
    private record Killed(String label, String description, Evidence.Kind kind, String noun) implements Evidence.Source {
        @Override
        public long total(Map<String, Long> counters) {
            return counters.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        @Override
        public String finding(long n, List<String> places) {
            return n + (n == 1 ? " process was" : " processes were") + " killed by the kernel's OOM killer during the run ("
                    + String.join(", ", places) + "): memory ran out, so the run did not stress as asked; the kernel log (dmesg)"
                    + " names what was killed";
        }
    }

    OomKills() {
        super(KILLS);
    }

    /** The counters by place ({@code cgroup} or {@code host}); empty when the kernel has none. */
    @Override
    protected Map<String, Long> counters(Path root) {
        Map<String, Long> out = new TreeMap<>();
        MemoryLimits.cgroupDir(root, "memory").ifPresent(dir -> {
            for (String file : List.of("memory.events", "memory.oom_control")) {
                long n = KernelFiles.keyed(dir.resolve(file), "oom_kill");
                if (n >= 0) {
                    out.put("cgroup", n);
                    break;
                }
            }
        });
        // the cgroup counts every kill of its processes, by its own limit or the host's; the host's
        // count is used only without one: in a container it counts every other pod's kills too
        long host = out.isEmpty() ? KernelFiles.keyed(root.resolve("proc/vmstat"), "oom_kill") : -1;
        if (host >= 0) {
            out.put("host", host);
        }
        return out;
    }
}
