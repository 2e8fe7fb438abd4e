package kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kiln.sampler.Evidence;
import kiln.sampler.EvidenceSources;
import kiln.sampler.PcieAer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source that exists only in the tests ({@link PcieAer}) is in the report's evidence, its verdict and what the verdict rests on. */
final class EvidencePluginReportTest {
    @TempDir
    Path tmp;

    @Test
    void aTestOnlySource_isReportedLikeTheBuiltInOnes() throws Exception {
        Path device = Files.createDirectories(tmp.resolve("sys/bus/pci/devices/0000:3b:00.0"));
        Files.writeString(device.resolve("aer_dev_fatal"), PcieAer.aerDevFatal(1));
        EvidenceSources registry = EvidenceSources.BUILT_IN.with(new PcieAer());
        Evidence before = registry.read(tmp);
        Files.writeString(device.resolve("aer_dev_fatal"), PcieAer.aerDevFatal(4));
        Evidence after = registry.read(tmp);

        Report r = BurnInRecordTest.report(Map.of(), Duration.ofMinutes(3),
                new Report.Findings(List.of(), before, after, List.of(), List.of(), Map.of(), "", false));
        assertEquals("fail", r.verdict());
        Config c = ConfigFactory.parseString(r.toJson());
        assertEquals(List.of("3 fatal PCIe errors (0000:3b:00.0)"), c.getStringList("verdict_reasons"));
        assertEquals(1, c.getLong("evidence.pcie_aer_fatal.before"));
        assertEquals(4, c.getLong("evidence.pcie_aer_fatal.after"));
        assertEquals(3, c.getLong("evidence.pcie_aer_fatal.delta"));
        assertEquals("unavailable", c.getString("evidence.edac_corrected"), "the built-in ones as before");
        assertTrue(c.getStringList("verdict_rests_on.evidence_read").contains("pcie_aer_fatal"), r.toJson());
    }
}
