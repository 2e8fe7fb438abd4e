package kiln.sampler;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hardware evidence a burn-in verdict rests on, read from the kernel's files under a root ("/" in
 * production, a fixture tree in tests): memory errors from EDAC, machine checks and thermal
 * interrupts from {@code /proc/interrupts}, thermal throttle counts per cpu, and the cgroup's CPU
 * throttling (so a container's quota is not mistaken for hardware throttling). A source this
 * machine does not have is absent from {@link #sources()}, never read as 0. No root needed.
 *
 * @param sources per available source, its counters by place ("mc0", "mc0/dimm2", "cpu3",
 *                "cpu3/package", "nr_throttled")
 */
public record Evidence(Map<Source, Map<String, Long>> sources) {

    /** Where a counter comes from, and what it means. */
    public enum Source {
        EDAC_CORRECTED("corrected memory errors (EDAC)", "edac_corrected"),
        EDAC_UNCORRECTED("uncorrected memory errors (EDAC)", "edac_uncorrected"),
        MACHINE_CHECKS("machine check exceptions (/proc/interrupts MCE)", "machine_checks"),
        THERMAL_EVENTS("thermal event interrupts (/proc/interrupts TRM)", "thermal_events"),
        THRESHOLD_EVENTS("threshold APIC interrupts (/proc/interrupts THR)", "threshold_events"),
        DEFERRED_ERRORS("deferred error interrupts (/proc/interrupts DFR)", "deferred_errors"),
        THROTTLE("thermal throttle events per cpu (thermal_throttle)", "thermal_throttle"),
        CGROUP_CPU_THROTTLED("cgroup CPU quota throttling (cpu.stat)", "cgroup_cpu_throttled"),
        OOM_KILLS("processes killed by the kernel's OOM killer (memory.events, memory.oom_control, /proc/vmstat)", "oom_kills");

        private final String description;
        private final String label;

        Source(String description, String label) {
            this.description = description;
            this.label = label;
        }

        public String description() {
            return description;
        }

        /** Its name in metrics and reports. */
        public String label() {
            return label;
        }
    }

    public Evidence {
        Map<Source, Map<String, Long>> copy = new EnumMap<>(Source.class);
        sources.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new TreeMap<>(v))));
        sources = Collections.unmodifiableMap(copy);
    }

    public static Evidence read() {
        return read(Path.of("/"));
    }

    /** Reads every source under {@code root}. Never throws: an unreadable source is absent. */
    public static Evidence read(Path root) {
        Map<Source, Map<String, Long>> m = new EnumMap<>(Source.class);
        edac(root, m);
        interrupts(root, m);
        throttle(root, m);
        cgroupCpu(root, m);
        Map<String, Long> oom = MemoryLimits.oomKills(root);
        if (!oom.isEmpty()) {
            m.put(Source.OOM_KILLS, oom);
        }
        return new Evidence(m);
    }

    public boolean available(Source s) {
        return sources.containsKey(s);
    }

    /** The sum of a source's counters; empty when the source is unavailable. */
    public Optional<Long> total(Source s) {
        Map<String, Long> v = sources.get(s);
        if (v == null) {
            return Optional.empty();
        }
        if (s == Source.OOM_KILLS) {
            // one place is read (the cgroup, else the host); were there two, the cgroup's kills are among the host's
            return Optional.of(v.values().stream().mapToLong(Long::longValue).max().orElse(0));
        }
        long sum = 0;
        for (Map.Entry<String, Long> e : v.entrySet()) {
            if (s.name().startsWith("EDAC") && e.getKey().contains("/")) {
                continue; // per-DIMM detail: already in its controller's count
            }
            if (s == Source.CGROUP_CPU_THROTTLED && !e.getKey().equals("nr_throttled")) {
                continue;
            }
            sum += e.getValue();
        }
        return Optional.of(sum);
    }

    /** What grew from {@code before} to this reading, per source and place; sources missing in either are absent. */
    public Evidence since(Evidence before) {
        Map<Source, Map<String, Long>> d = new EnumMap<>(Source.class);
        sources.forEach((s, now) -> {
            Map<String, Long> then = before.sources.get(s);
            if (then != null) {
                Map<String, Long> delta = new TreeMap<>();
                now.forEach((k, v) -> delta.put(k, Math.max(0, v - then.getOrDefault(k, v))));
                d.put(s, delta);
            }
        });
        return new Evidence(d);
    }

    /** Places whose counter is above zero, such as "cpu3" or "mc0/dimm2"; for naming the culprit. */
    public List<String> nonZero(Source s) {
        List<String> out = new ArrayList<>();
        sources.getOrDefault(s, Map.of()).forEach((k, v) -> {
            if (v > 0 && !(s == Source.CGROUP_CPU_THROTTLED && !k.equals("nr_throttled"))) {
                out.add(k);
            }
        });
        return out;
    }

    // ---- EDAC: /sys/devices/system/edac/mc/mc<N>/{ce_count,ue_count}, dimm<M>/dimm_{ce,ue}_count or csrow<M>/{ce,ue}_count

    private static void edac(Path root, Map<Source, Map<String, Long>> m) {
        Path mcs = root.resolve("sys/devices/system/edac/mc");
        Map<String, Long> ce = new TreeMap<>();
        Map<String, Long> ue = new TreeMap<>();
        for (Path mc : children(mcs, "mc[0-9]*")) {
            String name = mc.getFileName().toString();
            long c = KernelFiles.number(mc.resolve("ce_count"));
            long u = KernelFiles.number(mc.resolve("ue_count"));
            if (c < 0 || u < 0) {
                continue;
            }
            ce.put(name, c);
            ue.put(name, u);
            boolean dimms = false;
            for (Path dimm : children(mc, "dimm[0-9]*")) {
                dimms |= perPart(dimm, name, "dimm_ce_count", "dimm_ue_count", ce, ue);
            }
            if (!dimms) {
                for (Path row : children(mc, "csrow[0-9]*")) {
                    perPart(row, name, "ce_count", "ue_count", ce, ue);
                }
            }
        }
        if (!ce.isEmpty()) {
            m.put(Source.EDAC_CORRECTED, ce);
            m.put(Source.EDAC_UNCORRECTED, ue);
        }
    }

    private static boolean perPart(Path part, String mc, String ceFile, String ueFile, Map<String, Long> ce, Map<String, Long> ue) {
        long c = KernelFiles.number(part.resolve(ceFile));
        long u = KernelFiles.number(part.resolve(ueFile));
        if (c < 0 || u < 0) {
            return false;
        }
        String place = mc + "/" + part.getFileName();
        ce.put(place, c);
        ue.put(place, u);
        return true;
    }

    // ---- /proc/interrupts: a header of CPU columns, then rows such as "MCE:  0  0   Machine check exceptions"

    private static void interrupts(Path root, Map<Source, Map<String, Long>> m) {
        List<String> lines = KernelFiles.lines(root.resolve("proc/interrupts"));
        if (lines.isEmpty()) {
            return;
        }
        List<String> cpus = new ArrayList<>();
        for (String col : lines.get(0).trim().split("\\s+")) {
            if (col.startsWith("CPU")) {
                cpus.add("cpu" + col.substring(3));
            }
        }
        Map<String, Source> rows = Map.of("MCE", Source.MACHINE_CHECKS, "TRM", Source.THERMAL_EVENTS,
                "THR", Source.THRESHOLD_EVENTS, "DFR", Source.DEFERRED_ERRORS);
        for (String line : lines.subList(1, lines.size())) {
            String t = line.trim();
            int colon = t.indexOf(':');
            Source s = colon < 0 ? null : rows.get(t.substring(0, colon));
            if (s == null) {
                continue;
            }
            String[] f = t.substring(colon + 1).trim().split("\\s+");
            Map<String, Long> perCpu = new TreeMap<>();
            for (int i = 0; i < cpus.size() && i < f.length; i++) {
                try {
                    perCpu.put(cpus.get(i), Long.parseLong(f[i]));
                } catch (NumberFormatException e) {
                    break; // the description began: fewer counts than cpus
                }
            }
            if (!perCpu.isEmpty()) {
                m.put(s, perCpu);
            }
        }
    }

    // ---- /sys/devices/system/cpu/cpu<N>/thermal_throttle/{core,package}_throttle_count

    private static void throttle(Path root, Map<Source, Map<String, Long>> m) {
        Map<String, Long> counts = new TreeMap<>();
        for (Path cpu : children(root.resolve("sys/devices/system/cpu"), "cpu[0-9]*")) {
            Path t = cpu.resolve("thermal_throttle");
            for (String scope : new String[] {"core", "package"}) {
                long n = KernelFiles.number(t.resolve(scope + "_throttle_count"));
                if (n >= 0) {
                    counts.put(cpu.getFileName() + "/" + scope, n);
                }
            }
        }
        if (!counts.isEmpty()) {
            m.put(Source.THROTTLE, counts);
        }
    }

    // ---- the cgroup's cpu.stat: v2 nr_throttled + throttled_usec, v1 nr_throttled + throttled_time (ns)

    private static void cgroupCpu(Path root, Map<Source, Map<String, Long>> m) {
        Optional<Path> dir = MemoryLimits.cgroupDir(root, "cpu");
        if (dir.isEmpty()) {
            return;
        }
        Map<String, Long> stat = new TreeMap<>();
        for (String line : KernelFiles.lines(dir.get().resolve("cpu.stat"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 2) {
                continue;
            }
            try {
                long v = Long.parseLong(f[1]);
                switch (f[0]) {
                    case "nr_throttled" -> stat.put("nr_throttled", v);
                    case "throttled_usec" -> stat.put("throttled_usec", v);
                    case "throttled_time" -> stat.put("throttled_usec", v / 1000);
                    default -> { }
                }
            } catch (NumberFormatException e) {
                // not a counter line
            }
        }
        if (stat.containsKey("nr_throttled")) {
            m.put(Source.CGROUP_CPU_THROTTLED, stat);
        }
    }

    private static List<Path> children(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort((a, b) -> naturalKey(a).compareTo(naturalKey(b)));
        return out;
    }

    private static String naturalKey(Path p) {
        String n = p.getFileName().toString();
        String digits = n.replaceAll("\\D", "");
        return n.replaceAll("\\d", "") + String.format(Locale.ROOT, "%010d", digits.isEmpty() ? 0 : Long.parseLong(digits));
    }


}
