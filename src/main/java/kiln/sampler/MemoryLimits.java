package kiln.sampler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How much memory kiln may take: physical memory available now ({@code /proc/meminfo}), and the
 * headroom under the memory limit of the cgroup this process is in, cgroup v1
 * ({@code memory.limit_in_bytes}, the hierarchical limit from {@code memory.stat}) and v2
 * ({@code memory.max} of the cgroup and each ancestor). Read straight from the kernel's files
 * (no OSHI: this runs before the workers are spawned), under a root directory that tests point
 * at fixture files shaped like the kernel's.
 *
 * @param totalBytes     physical memory
 * @param availableBytes physical memory available to new work
 * @param cgroupLimit    the tightest cgroup limit, or -1 for none
 * @param cgroupHeadroom that limit minus current use, or -1 for none
 */
public record MemoryLimits(long totalBytes, long availableBytes, long cgroupLimit, long cgroupHeadroom) {
    /** v1 reports "no limit" as a page-rounded Long.MAX_VALUE; anything this large is none. */
    private static final long NO_LIMIT = 1L << 60;

    /** Reads the limits of this machine and this process's cgroup. */
    public static MemoryLimits read() {
        return read(Path.of("/"));
    }

    /** Reads {@code <root>/proc/...} and {@code <root>/sys/fs/cgroup/...}: the machine when root is "/". */
    static MemoryLimits read(Path root) {
        long total = meminfo(root, "MemTotal");
        long available = meminfo(root, "MemAvailable");
        if (available < 0) {
            available = meminfo(root, "MemFree"); // kernels before 3.14
        }
        List<String> cgroups = KernelFiles.lines(root.resolve("proc/self/cgroup"));
        List<Mount> mounts = mounts(root);
        long limit = -1;
        long headroom = -1;
        for (Limit l : List.of(v1(root, cgroups, mounts), v2(root, cgroups, mounts))) {
            if (l.limit >= 0 && (limit < 0 || l.limit < limit)) {
                limit = l.limit;
            }
            if (l.headroom >= 0 && (headroom < 0 || l.headroom < headroom)) {
                headroom = l.headroom;
            }
        }
        return new MemoryLimits(Math.max(0, total), Math.max(0, available), limit, headroom);
    }

    /**
     * The kernel's page size: a file's pages on a tmpfs are charged in whole pages. Read from the
     * first mapping of {@code /proc/self/smaps} (4 KiB on x86-64, 4 or 64 KiB on ARM); 4 KiB when unreadable.
     */
    public static long pageSize() {
        return pageSize(Path.of("/"));
    }

    static long pageSize(Path root) {
        try (var lines = Files.lines(root.resolve("proc/self/smaps"))) {
            return lines.filter(l -> l.startsWith("KernelPageSize:")).findFirst()
                    .map(l -> l.substring("KernelPageSize:".length()).trim().split("\\s+"))
                    .map(f -> Long.parseLong(f[0]) * (f.length > 1 && f[1].equals("kB") ? 1024 : 1))
                    .filter(n -> n >= 4096)
                    .orElse(4096L);
        } catch (IOException | RuntimeException e) {
            return 4096;
        }
    }

    /** The most kiln may ask for: {@code share} of what is available, cgroup included. */
    public long allowed(double share) {
        long avail = cgroupHeadroom >= 0 ? Math.min(availableBytes, cgroupHeadroom) : availableBytes;
        return (long) (avail * share);
    }

    private record Limit(long limit, long headroom) {
        static final Limit NONE = new Limit(-1, -1);
    }

    /** One cgroup file system mount: its root within the hierarchy, where it is mounted, and its type and options. */
    private record Mount(String root, String mountPoint, String type, List<String> superOptions) {
    }

    private static Limit v1(Path root, List<String> cgroups, List<Mount> mounts) {
        for (String line : cgroups) {
            String[] f = line.split(":", 3);
            if (f.length < 3 || !List.of(f[1].split(",")).contains("memory")) {
                continue;
            }
            Optional<Path> dir = mounts.stream().filter(m -> m.type.equals("cgroup") && m.superOptions.contains("memory"))
                    .findFirst().map(m -> locate(root, m, f[2]));
            if (dir.isEmpty()) {
                return Limit.NONE;
            }
            long limit = KernelFiles.keyed(dir.get().resolve("memory.stat"), "hierarchical_memory_limit");
            if (limit < 0) {
                limit = number(dir.get().resolve("memory.limit_in_bytes"));
            }
            long usage = number(dir.get().resolve("memory.usage_in_bytes"));
            if (limit < 0 || limit >= NO_LIMIT) {
                return Limit.NONE;
            }
            return new Limit(limit, usage < 0 ? -1 : Math.max(0, limit - usage));
        }
        return Limit.NONE;
    }

    private static Limit v2(Path root, List<String> cgroups, List<Mount> mounts) {
        for (String line : cgroups) {
            if (!line.startsWith("0::")) {
                continue;
            }
            Optional<Mount> mount = mounts.stream().filter(m -> m.type.equals("cgroup2")).findFirst();
            if (mount.isEmpty()) {
                return Limit.NONE;
            }
            Path top = root.resolve(mount.get().mountPoint.substring(1));
            long limit = -1;
            long headroom = -1;
            // the tightest of this cgroup and every ancestor up to the mount: a parent's limit binds its children
            for (Path d = locate(root, mount.get(), line.substring(3)); d != null && d.startsWith(top); d = d.getParent()) {
                long max = number(d.resolve("memory.max"));
                if (max >= 0 && max < NO_LIMIT) {
                    long current = number(d.resolve("memory.current"));
                    limit = limit < 0 ? max : Math.min(limit, max);
                    long free = current < 0 ? -1 : Math.max(0, max - current);
                    headroom = free < 0 ? headroom : headroom < 0 ? free : Math.min(headroom, free);
                }
            }
            return new Limit(limit, headroom);
        }
        return Limit.NONE;
    }

    /**
     * The directory of this process's cgroup for {@code controller} under {@code root}: the v1
     * hierarchy that has the controller, else the v2 unified hierarchy; empty when neither is mounted.
     */
    static Optional<Path> cgroupDir(Path root, String controller) {
        List<String> cgroups = KernelFiles.lines(root.resolve("proc/self/cgroup"));
        List<Mount> mounts = mounts(root);
        for (String line : cgroups) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && !f[1].isEmpty() && List.of(f[1].split(",")).contains(controller)) {
                Optional<Path> dir = mounts.stream().filter(m -> m.type.equals("cgroup") && m.superOptions.contains(controller))
                        .findFirst().map(m -> locate(root, m, f[2]));
                if (dir.isPresent()) {
                    return dir;
                }
            }
        }
        for (String line : cgroups) {
            if (line.startsWith("0::")) {
                return mounts.stream().filter(m -> m.type.equals("cgroup2")).findFirst().map(m -> locate(root, m, line.substring(3)));
            }
        }
        return Optional.empty();
    }

    /** The directory of cgroup {@code path} in mount {@code m}: a container sees its own cgroup as the mount's root. */
    private static Path locate(Path root, Mount m, String path) {
        String rel = path;
        if (!m.root.equals("/") && (path.equals(m.root) || path.startsWith(m.root + "/"))) {
            rel = path.substring(m.root.length());
        } else if (!m.root.equals("/")) {
            rel = "/";
        }
        Path dir = root.resolve(m.mountPoint.substring(1));
        for (String part : rel.split("/")) {
            if (!part.isEmpty() && !part.equals("..") && !part.equals(".")) {
                dir = dir.resolve(part);
            }
        }
        return dir;
    }

    private static List<Mount> mounts(Path root) {
        List<Mount> out = new ArrayList<>();
        for (String line : KernelFiles.lines(root.resolve("proc/self/mountinfo"))) {
            // id parent major:minor root mount-point options [optional…] - type source super-options
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 5 || dash < 0 || dash + 3 > f.length) {
                continue;
            }
            String type = f[dash + 1];
            if (type.equals("cgroup") || type.equals("cgroup2")) {
                List<String> opts = dash + 3 < f.length ? List.of(f[dash + 3].split(",")) : List.of();
                out.add(new Mount(unescape(f[3]), unescape(f[4]), type, opts));
            }
        }
        return out;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static long meminfo(Path root, String key) {
        for (String line : KernelFiles.lines(root.resolve("proc/meminfo"))) {
            if (line.startsWith(key + ":")) {
                String[] f = line.substring(key.length() + 1).trim().split("\\s+");
                try {
                    return Long.parseLong(f[0]) * (f.length > 1 && f[1].equals("kB") ? 1024 : 1);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** A file holding one number, or "max" (v2's none): -1 when absent, unreadable or "max". */
    private static long number(Path p) {
        try {
            String v = Files.readString(p).strip();
            return v.equals("max") ? -1 : Long.parseLong(v);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

}
