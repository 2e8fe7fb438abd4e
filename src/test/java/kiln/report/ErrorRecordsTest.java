package kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kiln.link.CpuMiscompare;
import kiln.sampler.Evidence;
import kiln.supervisor.History;
import kiln.supervisor.VerifyErrorLog;
import org.junit.jupiter.api.Test;

/** The report's error records say numbers as JSON numbers: the cpu an error was seen on, and each retest's. */
final class ErrorRecordsTest {
    private static Report withErrors(VerifyErrorLog.Entry... errors) {
        return BurnInRecordTest.report(Map.of(), Duration.ofMinutes(3), new Report.Findings(List.of(errors), new Evidence(Map.of()),
                new Evidence(Map.of()), List.of(), List.of(), Map.of(), "", false));
    }

    private static CpuMiscompare retested(String cpu, String other) {
        return new CpuMiscompare(0xC0FFEEL, 6, 2, 1L << 17, 1, List.of(new CpuMiscompare.Trial(cpu, 20, 20),
                new CpuMiscompare.Trial(other, 1, 0)), "kiln replay --cpu 3 --method fma --seed c0ffee");
    }

    @Test
    void aPinnedWorkersError_namesItsCpu_asANumber() {
        Report r = withErrors(new VerifyErrorLog.Entry(1, "3", kiln.link.Stressor.CPU, "fma", "3fe2", "3fe3", "", 1_800_000_000_000L, retested("3", "5")),
                new VerifyErrorLog.Entry(0, "12", kiln.link.Stressor.MEMORY, "own-address", "0", "4", "", 1_800_000_000_000L,
                        Map.of("pass", "2", "offset", "4096", "node", "0", "mask", "0x4")));
        String json = r.toJson();
        String records = json.substring(json.indexOf("\"first\""), json.indexOf("\"not_shown\""));
        assertTrue(records.matches("(?s).*\"cpu\"\\s*:\\s*3\\s*,.*"), records);
        assertFalse(records.matches("(?s).*\"cpu\"\\s*:\\s*\".*"), "no cpu as text: " + records);
        Config c = ConfigFactory.parseString(json);
        List<? extends Config> first = c.getConfigList("errors.first");
        assertEquals(ConfigValueType.NUMBER, first.get(0).getValue("cpu").valueType());
        assertEquals(3, first.get(0).getInt("cpu"));
        assertEquals(List.of(3), first.get(0).getIntList("cpus"));
        assertEquals(1, first.get(0).getInt("worker"));
        assertEquals(List.of(3, 5), first.get(0).getConfigList("retest.per_cpu").stream().map(t -> t.getInt("cpu")).toList(),
                "each retest's cpu, a number");
        assertEquals(ConfigValueType.NUMBER, first.get(0).getConfigList("retest.per_cpu").get(1).getValue("cpu").valueType());
        assertEquals(12, first.get(1).getInt("cpu"));
        assertEquals(4096, first.get(1).getLong("offset"), "the stressor's whole-number details, as before");
        assertEquals("0x4", first.get(1).getString("mask"), "a bit pattern stays text");
        assertEquals("c0ffee", first.get(0).getString("seed"));
    }

    @Test
    void aWorkerOnSeveralCpus_hasNoOneCpu_andListsThem() {
        Report r = withErrors(new VerifyErrorLog.Entry(0, "0-3", kiln.link.Stressor.CPU, "int", "1", "2", "", 1L, retested("0-3", "?")),
                new VerifyErrorLog.Entry(1, "?", kiln.link.Stressor.CPU, "int", "1", "2", "", 1L));
        Config c = ConfigFactory.parseString(r.toJson());
        Config unpinned = c.getConfigList("errors.first").get(0);
        assertTrue(unpinned.getIsNull("cpu"), "not pinned: no one cpu");
        assertEquals(List.of(0, 1, 2, 3), unpinned.getIntList("cpus"));
        assertEquals(List.of(0, 1, 2, 3), unpinned.getConfigList("retest.per_cpu").get(0).getIntList("cpus"));
        assertEquals(List.of(), unpinned.getConfigList("retest.per_cpu").get(1).getIntList("cpus"), "unknown: none");
        Config unknown = c.getConfigList("errors.first").get(1);
        assertTrue(unknown.getIsNull("cpu"));
        assertEquals(List.of(), unknown.getIntList("cpus"));
        String page = HtmlReport.render(r, new History());
        assertTrue(page.contains("<td>0</td><td>0-3</td><td>cpu</td>"), "the page names the cpus it could run on, as Linux lists them: " + page);
    }
}
