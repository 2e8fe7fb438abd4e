package kiln.sampler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Memory errors the memory controllers counted (EDAC):
 * {@code /sys/devices/system/edac/mc/mc<N>/{ce_count,ue_count}}, and per part
 * {@code dimm<M>/dimm_{ce,ue}_count}, or {@code csrow<M>/{ce,ue}_count} on drivers without DIMMs.
 * Places: {@code mc0}, {@code mc0/dimm2}. Unavailable without an EDAC driver (most VMs).
 */
public final class Edac implements EvidenceReader {
    /** Errors the memory corrected (ECC held). */
    public static final Evidence.Source CORRECTED = new MemoryErrors("edac_corrected", "corrected memory errors (EDAC)",
            Evidence.Kind.CORRECTED, "corrected memory errors", "kiln.edac.corrected.errors", "Corrected memory errors (EDAC ce_count)");
    /** Errors it could not correct: data was lost. */
    public static final Evidence.Source UNCORRECTED = new MemoryErrors("edac_uncorrected", "uncorrected memory errors (EDAC)",
            Evidence.Kind.FAULT, "uncorrected memory errors", "kiln.edac.uncorrected.errors", "Uncorrected memory errors (EDAC ue_count)");

    /** A controller's count already holds its DIMMs' (or csrows'): the total is the controllers', each part names the culprit. */
    private record MemoryErrors(String label, String description, Evidence.Kind kind, String noun, String metric, String help)
            implements Evidence.Source {
        @Override
        public long total(Map<String, Long> counters) {
            long sum = 0;
            for (Map.Entry<String, Long> e : counters.entrySet()) {
                sum += e.getKey().contains("/") ? 0 : e.getValue();
            }
            return sum;
        }

        @Override
        public List<Evidence.Series> series() {
            return List.of(Evidence.Series.perPlace(metric, help, "controller", "mc"));
        }
    }

    Edac() {
    }

    @Override
    public List<Evidence.Source> sources() {
        return List.of(CORRECTED, UNCORRECTED);
    }

    @Override
    public Map<Evidence.Source, Map<String, Long>> read(Path root) {
        Map<String, Long> ce = new TreeMap<>();
        Map<String, Long> ue = new TreeMap<>();
        for (Path mc : KernelFiles.children(root.resolve("sys/devices/system/edac/mc"), "mc[0-9]*")) {
            String name = mc.getFileName().toString();
            long c = KernelFiles.number(mc.resolve("ce_count"));
            long u = KernelFiles.number(mc.resolve("ue_count"));
            if (c < 0 || u < 0) {
                continue;
            }
            ce.put(name, c);
            ue.put(name, u);
            boolean dimms = false;
            for (Path dimm : KernelFiles.children(mc, "dimm[0-9]*")) {
                dimms |= perPart(dimm, name, "dimm_ce_count", "dimm_ue_count", ce, ue);
            }
            if (!dimms) {
                for (Path row : KernelFiles.children(mc, "csrow[0-9]*")) {
                    perPart(row, name, "ce_count", "ue_count", ce, ue);
                }
            }
        }
        return ce.isEmpty() ? Map.of() : Map.of(CORRECTED, ce, UNCORRECTED, ue);
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
}
