package kiln.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EDAC's counts per memory controller and per DIMM (or csrow), as the kernel lays them out in sysfs. */
final class EdacTest {
    private static final String MC = "sys/devices/system/edac/mc/";

    @TempDir
    Path tmp;

    private Evidence read(KernelTree t) {
        return new Evidence(List.of(Edac.CORRECTED, Edac.UNCORRECTED), new Edac().read(t.root));
    }

    @Test
    void perDimm_whereTheDriverHasDimms_perCsrowOtherwise_theTotalIsTheControllers() {
        KernelTree t = new KernelTree(tmp)
                .file(MC + "mc0/mc_name", "Skylake Socket#0 IMC#0\n").file(MC + "mc0/ce_count", "3\n").file(MC + "mc0/ue_count", "1\n")
                .file(MC + "mc0/ce_noinfo_count", "0\n").file(MC + "mc0/size_mb", "32768\n")
                .file(MC + "mc0/dimm0/dimm_label", "CPU_SrcID#0_MC#0_Chan#0_DIMM#0\n")
                .file(MC + "mc0/dimm0/dimm_ce_count", "0\n").file(MC + "mc0/dimm0/dimm_ue_count", "0\n")
                .file(MC + "mc0/dimm1/dimm_ce_count", "3\n").file(MC + "mc0/dimm1/dimm_ue_count", "1\n")
                .file(MC + "mc1/ce_count", "2\n").file(MC + "mc1/ue_count", "0\n")
                .file(MC + "mc1/csrow0/ce_count", "2\n").file(MC + "mc1/csrow0/ue_count", "0\n").file(MC + "mc1/csrow0/size_mb", "8192\n");
        Evidence e = read(t);
        assertEquals(Map.of("mc0", 3L, "mc0/dimm0", 0L, "mc0/dimm1", 3L, "mc1", 2L, "mc1/csrow0", 2L), e.sources().get(Edac.CORRECTED));
        assertEquals(Optional.of(5L), e.total(Edac.CORRECTED), "the controllers' counts, which hold their DIMMs'");
        assertEquals(List.of("mc0", "mc0/dimm1", "mc1", "mc1/csrow0"), e.nonZero(Edac.CORRECTED), "the culprits, down to the DIMM");
        assertEquals(Optional.of(1L), e.total(Edac.UNCORRECTED));
        assertEquals("1 uncorrected memory errors (mc0, mc0/dimm1)", Edac.UNCORRECTED.finding(1, e.nonZero(Edac.UNCORRECTED)));
    }

    @Test
    void aControllerWithoutItsCounts_isLeftOut_andNoControllerIsUnavailable() {
        KernelTree t = new KernelTree(tmp).file(MC + "mc0/mc_name", "ie31200\n").file(MC + "mc0/ce_count", "not a number\n")
                .file(MC + "mc0/ue_count", "0\n");
        assertEquals(Map.of(), new Edac().read(t.root), "no readable controller: unavailable, not 0");
        assertEquals(Map.of(), new Edac().read(tmp.resolve("nothing")), "no EDAC driver");
        assertFalse(read(new KernelTree(tmp.resolve("nothing"))).available(Edac.CORRECTED));
    }

    @Test
    void series_oneCounterPerController_labelledByItsNumber() {
        Evidence.Series s = Edac.CORRECTED.series().get(0);
        assertEquals("kiln.edac.corrected.errors", s.name());
        assertEquals(Optional.of(Map.of("controller", "12")), s.labels().apply("mc12"));
        assertEquals(Optional.empty(), s.labels().apply("mc12/dimm3"), "a DIMM is detail, in its controller's count");
        assertEquals("kiln.edac.uncorrected.errors", Edac.UNCORRECTED.series().get(0).name());
    }

    @Test
    void thisMachine_readsItsControllers_whereItHasThem() throws Exception {
        Path mc0 = Path.of("/" + MC + "mc0/ce_count");
        Map<Evidence.Source, Map<String, Long>> m = new Edac().read(Path.of("/"));
        assertEquals(Files.exists(mc0), m.containsKey(Edac.CORRECTED), "EDAC is read where the kernel has it, and only there");
        if (Files.exists(mc0)) {
            assertEquals(true, m.get(Edac.CORRECTED).get("mc0") <= Long.parseLong(Files.readString(mc0).strip()), "a count only grows");
        }
    }
}
