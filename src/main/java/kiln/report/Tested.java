package kiln.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kiln.config.Settings;
import kiln.sampler.Evidence;
import kiln.util.Sizes;

/**
 * What a run tested, in words a burn-in record is read by: one line per thing it put under load
 * (memory held, the file storm's directory, device, fsync and read-back, the CPU load and methods,
 * the time), what the verdict rests on, and whether a fault was injected on purpose. Each part is
 * one entry of an ordered map keyed by what it describes, so a stressor's section is one more
 * entry. Stateless.
 */
final class Tested {
    private Tested() {
    }

    /** "time", then one entry per stressor that ran, each a sentence. */
    static Map<String, String> of(Report r) {
        Settings s = r.settings();
        Map<String, String> m = new LinkedHashMap<>();
        String asked = shortDuration(s.run().duration());
        m.put("time", r.findings().cutShort() ? shortDuration(r.elapsed()) + " of the " + asked + " asked (" + r.findings().outcome() + ")"
                : shortDuration(r.elapsed()) + (s.run().untilReady() ? " (until warm, at most " + asked + ")" : "")
                + (s.run().profile().isEmpty() ? "" : ", profile " + s.run().profile()));
        m.put("workers", r.workers().size() + " worker JVM" + (r.workers().size() == 1 ? "" : "s")
                + (s.workers().pin() ? ", each pinned to its own core" : ", not pinned to cores"));
        if (s.cpu().enabled()) {
            m.put("cpu", String.format(Locale.ROOT, "burners at %d%% of each core%s, methods %s, each result checked against its known answer",
                    s.cpu().load(), s.run().ramp().isZero() ? "" : " (reached over " + shortDuration(s.run().ramp()) + ")",
                    String.join(", ", r.totals().cpu().ops().isEmpty() ? List.of(s.cpu().method())
                            : methodsInOrder(r.totals().cpu().ops()))));
        }
        if (r.measured().memoryBytes() > 0) {
            m.put("memory", Sizes.human(r.measured().memoryBytes()) + " held off-heap, written and read back "
                    + String.format(Locale.ROOT, "%s in all", Sizes.human(r.totals().memoryBytes())));
        }
        if (s.files().enabled()) {
            Mount mount = Mount.of(s.files().dir());
            m.put("files", String.format(Locale.ROOT, "%s files in %s%s, %s, %s; stopping at %s free", Sizes.human(s.files().sizeBytes()),
                    s.files().dir(), mount == null ? "" : " (" + mount + ")",
                    s.files().fsync() ? "each fsynced before it counts" : "not fsynced (the page cache may absorb the writes)",
                    s.files().verify() ? "every 16th read back and its checksum checked" : "none read back", Sizes.human(s.files().minFreeBytes())));
        }
        return m;
    }

    /**
     * What held the file rate where it was, most telling first: the free-space or inode floor
     * (files deleted to make room), the file system (its type and device, and fsync, which waits
     * for the device), and the CPU burners on the same cores. Empty when the storm did not run.
     */
    static List<String> fileRateBounds(Report r) {
        Settings s = r.settings();
        List<String> out = new ArrayList<>();
        if (!s.files().enabled()) {
            return out;
        }
        long atFloor = r.totals().files().floorDeleted();
        if (atFloor > 0) {
            out.add(String.format(Locale.ROOT, "the floor (%,d files deleted to make room at the free-space or inode floor)", atFloor));
        }
        Mount mount = Mount.of(s.files().dir());
        String fs = mount == null ? "the file system" : "the file system (" + mount + ")";
        boolean memoryBacked = mount != null && (mount.type().equals("tmpfs") || mount.type().equals("ramfs"));
        out.add(fs + (memoryBacked ? ": memory-backed, so no disk is involved"
                : s.files().fsync() ? ": every file fsynced, so each waits for the device" : ""));
        if (s.cpu().enabled() && s.cpu().load() > 0) {
            out.add(String.format(Locale.ROOT, "the CPU burners on the same cores (%d%% of each)", s.cpu().load()));
        }
        return out;
    }

    /** The CPU methods that ran, in the methods' fixed order. */
    private static List<String> methodsInOrder(Map<String, Long> ops) {
        List<String> out = new ArrayList<>();
        for (kiln.link.CpuMethodInfo method : kiln.link.Catalog.cpuMethods()) {
            if (ops.containsKey(method.word())) {
                out.add(method.word());
            }
        }
        return out;
    }

    /** "3m", "1h30m", "45s", "1m05s": a duration as people write it. */
    static String shortDuration(java.time.Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder out = new StringBuilder();
        if (s >= 3600) {
            out.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            out.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0) {
            out.append(out.length() > 0 ? String.format(Locale.ROOT, "%02d", s % 60) : String.valueOf(s % 60)).append('s');
        }
        return out.toString();
    }

    /** The hardware evidence sources that were read at start and end, and those this machine does not have. */
    record RestsOn(List<String> read, List<String> absent) {
        static RestsOn of(Report.Findings f) {
            List<String> read = new ArrayList<>();
            List<String> absent = new ArrayList<>();
            for (Evidence.Source s : f.after().consulted()) {
                (f.before().available(s) && f.after().available(s) ? read : absent).add(s.label());
            }
            return new RestsOn(read, absent);
        }

        /**
         * The caveat a pass (or a degraded run) needs when most sources are absent; null when most
         * were read, and for a fail or an inconclusive run, whose reasons say what they rest on.
         */
        String caveat(String verdict) {
            if (absent.size() * 2 < read.size() + absent.size() || verdict.equals("fail") || verdict.equals("inconclusive")) {
                return null;
            }
            return String.format(Locale.ROOT, "%s rests on kiln's own checks (every result compared with its known answer) and %d of %d "
                    + "hardware evidence sources: %s read; %s not on this machine", verdict.toUpperCase(Locale.ROOT), read.size(),
                    read.size() + absent.size(), read.isEmpty() ? "none" : String.join(", ", read), String.join(", ", absent));
        }
    }

    /** What a fault injected on purpose says wherever the verdict is shown. */
    static String injectedNote(String target) {
        String what = kiln.link.FaultTarget.parse(target).filter(t -> t instanceof kiln.link.FaultTarget.StickyCpu)
                .map(t -> "every result of " + ((kiln.link.FaultTarget.StickyCpu) t).method().map(m -> "cpu:" + m)
                        .orElse("the next cpu method to run") + " on worker 0 from then on (as a bad core's) was")
                .orElse("one " + target + " result was");
        return "a fault was INJECTED on purpose (--inject-fault " + target + "): " + what
                + " corrupted by kiln to show its detection works; this is not a hardware failure";
    }

    /** The file system under a directory: its device and type, from {@code /proc/self/mountinfo}. */
    record Mount(String device, String type, String point) {
        static Mount of(Path dir) {
            return of(dir, Path.of("/proc/self/mountinfo"));
        }

        /** The mount whose point is the longest prefix of {@code dir}, or null when mountinfo cannot be read. */
        static Mount of(Path dir, Path mountinfo) {
            List<String> lines;
            try {
                lines = Files.readAllLines(mountinfo);
            } catch (IOException | RuntimeException e) {
                return null;
            }
            Mount best = null;
            for (String line : lines) {
                // id parent major:minor root point options [optional...] - type source super-options
                String[] f = line.split(" ");
                int dash = java.util.Arrays.asList(f).indexOf("-");
                if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
                    continue;
                }
                String point = unescape(f[4]);
                if (dir.startsWith(point) && (best == null || Path.of(point).getNameCount() >= Path.of(best.point).getNameCount())) {
                    best = new Mount(unescape(f[dash + 2]), f[dash + 1], point);
                }
            }
            return best;
        }

        private static String unescape(String s) {
            return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
        }

        @Override
        public String toString() {
            return type + " on " + device + (point.equals("/") ? "" : " mounted at " + point);
        }
    }
}
