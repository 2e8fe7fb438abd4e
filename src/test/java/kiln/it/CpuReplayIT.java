package kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fault injected into one named CPU method, end to end: the run fails, the report names the
 * element, lane and mask, the retest reproduces it 0 of 20 on its cpu (a one-off), and the replay
 * command the report carries runs on that core and exits 0.
 */
final class CpuReplayIT {
    @TempDir
    Path tmp;

    @Test
    @Timeout(180)
    void injectedFmaFault_isReportedWithLaneMaskRetestAndAReplayThatPasses() throws Exception {
        Path report = tmp.resolve("report.json");
        try (KilnProcess k = new KilnProcess("run", "--duration", "12s", "--workers", "2", "--no-files", "--memory", "0",
                "--cpu-method", "fma", "--cpu-load", "50", "--metrics-port", "0", "--inject-fault", "cpu:fma",
                "--report", report.toString())) {
            assertEquals(1, k.waitFor(Duration.ofSeconds(90)), k.output());
            assertTrue(k.output().contains("replay: kiln replay --cpu 0 --method fma --seed "), "the summary carries the replay: " + k.output());
        }
        Config r = ConfigFactory.parseFile(report.toFile());
        assertEquals("fail", r.getString("verdict"));
        Config first = r.getConfigList("errors.first").get(0);
        assertEquals("fma", first.getString("method"));
        assertEquals(6, first.getInt("element"));
        assertEquals(2, first.getInt("lane"), "accumulator 1, lane 2");
        assertEquals("0000000000020000", first.getString("mask"));
        assertEquals("transient", first.getString("retest.kind"), first.root().render());
        Config here = first.getConfigList("retest.per_cpu").get(0);
        assertEquals(0, here.getInt("cpu"));
        assertEquals(20, here.getInt("runs"));
        assertEquals(0, here.getInt("failed"));
        if (first.getConfigList("retest.per_cpu").size() > 1) {
            assertEquals(1, first.getConfigList("retest.per_cpu").get(1).getInt("cpu"), "once on another cpu");
        }
        assertTrue(r.getStringList("verdict_reasons").get(0).contains("transient: 0 of 20 on cpu 0"), r.getStringList("verdict_reasons").toString());
        assertTrue(r.getLong("cpu.methods.fma.flops_per_second") > 0, r.getConfig("cpu").root().render());
        String replay = first.getString("replay");
        List<String> args = new ArrayList<>(List.of(replay.split(" ")));
        assertEquals("kiln", args.remove(0));
        try (KilnProcess k = new KilnProcess(args.toArray(String[]::new))) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("1 of 1 runs gave the known answer"), k.output());
        }
    }
}
