package kiln.metrics;

import kiln.link.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kiln.config.Settings;
import kiln.report.Verdict;
import kiln.sampler.Evidence;
import kiln.sampler.EvidenceSources;
import kiln.sampler.PcieAer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new evidence source is its reader and one registration: {@link PcieAer}, which exists only in
 * the tests, reaches the verdict and the metrics with nothing else changed.
 */
final class EvidencePluginTest {
    private static final String DEVICE = "sys/bus/pci/devices/0000:3b:00.0/";

    @TempDir
    Path tmp;

    @Test
    void aTestOnlySource_failsTheVerdict_andIsServedAsMetrics() throws Exception {
        Files.createDirectories(tmp.resolve(DEVICE));
        Files.writeString(tmp.resolve(DEVICE + "vendor"), "0x8086\n");
        Files.writeString(tmp.resolve(DEVICE + "aer_dev_fatal"), PcieAer.aerDevFatal(0));
        EvidenceSources registry = EvidenceSources.BUILT_IN.with(new PcieAer());
        Evidence before = registry.read(tmp);

        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EvidenceMeters meters = new EvidenceMeters(prometheus, () -> registry.read(tmp), 0);
        Files.writeString(tmp.resolve(DEVICE + "aer_dev_fatal"), PcieAer.aerDevFatal(2));
        Evidence after = registry.read(tmp);

        Verdict v = Verdict.decide(Verdict.Inputs.builder().evidence(after.since(before)).build(),
                Settings.Verdict.DEFAULT);
        assertEquals(Outcome.FAIL, v.outcome(), v.reasons().toString());
        assertEquals(List.of("2 fatal PCIe errors (0000:3b:00.0)"), v.reasons());

        String text = prometheus.scrape();
        assertTrue(text.contains("kiln_evidence_available{source=\"pcie_aer_fatal\"} 1.0"), text);
        assertTrue(text.contains("kiln_evidence_available{source=\"edac_corrected\"} 0.0"), "the built-in ones still there: " + text);
        assertTrue(text.contains("# HELP kiln_pcie_aer_fatal_errors_total Fatal PCIe errors per device (AER)"), text);
        assertTrue(text.contains("kiln_pcie_aer_fatal_errors_total{device=\"0000:3b:00.0\"} 2.0"), "read at the scrape: " + text);
        java.lang.ref.Reference.reachabilityFence(meters);
    }
}
