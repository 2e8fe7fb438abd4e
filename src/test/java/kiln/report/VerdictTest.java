package kiln.report;

import kiln.link.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kiln.config.Settings;
import kiln.report.Verdict.Inputs;

import kiln.sampler.Evidence;
import kiln.sampler.Evidence.Source;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The verdict rules as a table: what a run saw, the outcome, and the first reason given. */
final class VerdictTest {
    private static final Settings.Verdict RULES = new Settings.Verdict(2, 0, 15);
    private static final Inputs CLEAN = Inputs.clean();

    private static Evidence ev(Source s, Map<String, Long> v) {
        return new Evidence(Map.of(s, v));
    }

    private static Inputs with(Evidence e) {
        return Inputs.builder().evidence(e).build();
    }

    static Stream<Arguments> cases() {
        Evidence serverDelta = Evidence.read(Path.of("src/test/resources/evidence/server-after"))
                .since(Evidence.read(Path.of("src/test/resources/evidence/server-before")));
        return Stream.of(
            Arguments.of("nothing held against it", CLEAN, Outcome.PASS, null),
            Arguments.of("sources present, all zero", with(Evidence.read(Path.of("src/test/resources/evidence/server-before"))
                    .since(Evidence.read(Path.of("src/test/resources/evidence/server-before")))), Outcome.PASS, null),
            Arguments.of("one wrong result", Inputs.builder().verifyErrors(1, List.of("w1 cpu 1 cpu/float: expected 3ff0 got 3ff2")).build(), Outcome.FAIL,
                    "1 verification error: w1 cpu 1 cpu/float: expected 3ff0 got 3ff2"),
            Arguments.of("uncorrected memory error", with(ev(kiln.sampler.Edac.UNCORRECTED, Map.of("mc0", 1L, "mc0/dimm1", 1L))),
                    Outcome.FAIL, "1 uncorrected memory errors (mc0, mc0/dimm1)"),
            Arguments.of("machine check", with(ev(kiln.sampler.Interrupts.MACHINE_CHECKS, Map.of("cpu0", 0L, "cpu2", 1L))), Outcome.FAIL,
                    "1 machine check exceptions (cpu2)"),
            Arguments.of("corrected errors above the tolerance", with(ev(kiln.sampler.Edac.CORRECTED, Map.of("mc0", 3L))), Outcome.FAIL,
                    "3 corrected memory errors (mc0), more than kiln.verdict.max-corrected-errors = 2"),
            Arguments.of("corrected errors within the tolerance", with(ev(kiln.sampler.Edac.CORRECTED, Map.of("mc0", 2L))),
                    Outcome.DEGRADED, "2 corrected memory errors (mc0)"),
            Arguments.of("throttling", with(ev(kiln.sampler.ThermalThrottle.THROTTLE, Map.of("cpu3/core", 5L))), Outcome.DEGRADED,
                    "5 thermal throttle events (cpu3/core)"),
            Arguments.of("thermal interrupts where no throttle counters exist", with(ev(kiln.sampler.Interrupts.THERMAL_EVENTS, Map.of("cpu1", 4L))),
                    Outcome.DEGRADED, "4 thermal throttle events (cpu1)"),
            Arguments.of("the container's CPU quota is not the hardware's fault",
                    with(ev(kiln.sampler.CgroupCpuStat.THROTTLED, Map.of("nr_throttled", 900L, "throttled_usec", 9_000_000L))), Outcome.PASS, null),
            Arguments.of("a stalled worker", Inputs.builder().unhealthyWorkers(List.of("w1 stalled once")).build(), Outcome.DEGRADED, "w1 stalled once"),
            Arguments.of("a slow core", Inputs.builder().slowCores(List.of("cpu1: cpu ops/s 31% below its siblings' median")).build(), Outcome.DEGRADED, "cpu1: cpu ops/s 31% below its siblings' median"),
            Arguments.of("a stressor that did nothing", Inputs.builder().idleStressors(List.of("files: no file created (paused below the floor)")).build(), Outcome.INCONCLUSIVE, "files: no file created (paused below the floor)"),
            Arguments.of("tampered with", Inputs.builder().tampered(2).unhealthyWorkers(List.of("w0 stalled once")).build(), Outcome.INCONCLUSIVE, "2 times a link or foreign entry stood where kiln's own should be (refused, not followed)"),
            Arguments.of("cut short: it has not shown the machine holds up for the time asked",
                    CLEAN.endedEarly("stopped on request after 1m05s of 4h00m"), Outcome.INCONCLUSIVE,
                    "the run was cut short: stopped on request after 1m05s of 4h00m"),
            Arguments.of("a wrong result before the stop still fails",
                    Inputs.builder().verifyErrors(1, List.of("w0 cpu 0 cpu/int: expected 1 got 2")).build().endedEarly("stopped on request after 5s of 1m00s"), Outcome.FAIL,
                    "1 verification error: w0 cpu 0 cpu/int: expected 1 got 2"),
            Arguments.of("the disk answers EIO: burn-in found what it is for", CLEAN.withFileFaults(3, 0), Outcome.FAIL,
                    "3 file operations failed with an input/output error or a corrupt file system (EIO, EUCLEAN or EBADMSG): the disk,"
                    + " its controller or its file system is failing; the worker log and the kernel log (dmesg) say where"),
            Arguments.of("the file system went read-only: not clean, and not proof the disk failed", CLEAN.withFileFaults(0, 12),
                    Outcome.INCONCLUSIVE, "the file system went read-only during the run (12 operations refused with EROFS): the kernel"
                    + " log (dmesg) says why"),
            Arguments.of("errors a full disk does not explain: an errno kiln has no rule for, or one the JDK did not tell",
                    CLEAN.withFiles(new Verdict.FileFaults(0, 0, 2850, "")), Outcome.INCONCLUSIVE,
                    "2850 file operations failed with an error that is not the file system being full (the worker log says which): the"
                    + " run cannot vouch for the disk"),
            Arguments.of("files left behind: the run is not clean, whatever the hardware did",
                    CLEAN.withFiles(new Verdict.FileFaults(0, 0, 0, new Cleanup(10_000, "/data", List.of("w0/d000002", "w0/d000001"),
                            "").reason())), Outcome.INCONCLUSIVE,
                    "10,000 files left in /data (w0/d000001, w0/d000002): they could not be removed (see the log); the next kiln on this"
                    + " directory sweeps them"),
            Arguments.of("files that could not even be counted are not taken for none",
                    CLEAN.withFiles(new Verdict.FileFaults(0, 0, 0, new Cleanup(0, "/data", List.of(),
                            "list of /data/w0: input/output error").reason())), Outcome.INCONCLUSIVE,
                    "kiln could not tell whether it removed its files from /data: list of /data/w0: input/output error; the next kiln on"
                    + " this directory sweeps what is left"),
            Arguments.of("a dying disk fails the run, and what it kept is said too",
                    CLEAN.withFiles(new Verdict.FileFaults(41_854, 0, 0, "40,002 files left in /data (…)")), Outcome.FAIL,
                    "41854 file operations failed with an input/output error or a corrupt file system (EIO, EUCLEAN or EBADMSG): the disk,"
                    + " its controller or its file system is failing; the worker log and the kernel log (dmesg) say where"),
            Arguments.of("a core that disagrees", Inputs.builder().disagreeing(List.of("cpu3")).build(), Outcome.FAIL, "cpu3 computed a different result from its siblings on the same inputs"),
            Arguments.of("fail beats inconclusive and degraded", Inputs.builder().idleStressors(List.of("memory: nothing held")).tampered(1)
                    .unhealthyWorkers(List.of("w0 failed (crash loop)")).evidence(serverDelta).build(), Outcome.FAIL,
                    "1 machine check exceptions (cpu2)"),
            Arguments.of("the recorded server run: MCE, corrected errors, throttling", with(serverDelta), Outcome.FAIL,
                    "1 machine check exceptions (cpu2)")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decide(String name, Inputs in, Outcome outcome, String firstReason) {
        Verdict v = Verdict.decide(in, RULES);
        assertEquals(outcome, v.outcome(), v.reasons().toString());
        assertEquals(firstReason, v.reasons().isEmpty() ? null : v.reasons().get(0));
    }
}
