package kiln.stress.cpu;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kiln.stress.CpuMethod;
import kiln.stress.Mismatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The retest of a wrong result: 20 runs after a unit's first failure, 10 after later ones, another cpu for the first few only. */
final class RetesterTest {
    @Test
    @Timeout(120)
    void firstFailure_twentyRuns_laterOnesTen_andAnotherCpuOnlyForTheFirstFew() {
        CpuMethod crc = CpuMethod.parse("crc32c").orElseThrow();
        long seed = crc.seeds()[0];
        long right = crc.answer(seed)[1];
        String here = Replay.cpuList(Replay.allowedCpus()).get(0).toString(); // as a worker pinned to the first cpu
        boolean other = Replay.otherCpu(here).isPresent();
        Mismatches out = new Mismatches();
        List<Mismatches.Mismatch> found = new ArrayList<>();
        try (Retester r = new Retester(0, here, out)) {
            int failures = Retester.OTHER_CPU_RETESTS + 2;
            for (int i = 0; i < failures; i++) {
                r.submit(new Retester.Failure(crc, seed, 1, right, right ^ 4, 1, 0, ""));
            }
            await().atMost(Duration.ofSeconds(100)).until(() -> {
                out.drainTo(found, 32);
                return found.size() == failures;
            });
        }
        for (int i = 0; i < found.size(); i++) {
            var trials = found.get(i).cpu().retest();
            assertEquals(i == 0 ? Retester.FIRST_RUNS : Retester.LATER_RUNS, trials.get(0).runs(), "failure " + i);
            assertEquals(0, trials.get(0).failed(), "a healthy core computes it right: " + found.get(i).cpu().rate());
            assertEquals(other && i < Retester.OTHER_CPU_RETESTS ? 2 : 1, trials.size(), "failure " + i + ": " + found.get(i).cpu().rate());
            assertEquals(4, found.get(i).cpu().mask());
            assertEquals("transient", found.get(i).cpu().kind());
        }
    }

    @Test
    @Timeout(120)
    void stickyFault_reproducesOnItsCpuEveryTime_andNotOnAnother() {
        CpuMethod crc = CpuMethod.parse("crc32c").orElseThrow();
        long seed = crc.seeds()[0];
        long right = crc.answer(seed)[InjectedFault.ELEMENT % crc.answer(seed).length];
        String here = Replay.cpuList(Replay.allowedCpus()).get(0).toString(); // as a worker pinned to the first cpu
        org.junit.jupiter.api.Assumptions.assumeTrue(Replay.otherCpu(here).isPresent(), "needs a second cpu and taskset");
        InjectedFault fault = new InjectedFault();
        fault.stick(java.util.Optional.of(crc));
        Mismatches out = new Mismatches();
        List<Mismatches.Mismatch> found = new ArrayList<>();
        try (Retester r = new Retester(0, here, out, fault)) {
            for (int i = 0; i < 2; i++) {
                r.submit(new Retester.Failure(crc, seed, InjectedFault.ELEMENT, right, right ^ (1L << InjectedFault.BIT), 1, 0, ""));
            }
            await().atMost(Duration.ofSeconds(100)).until(() -> {
                out.drainTo(found, 32);
                return found.size() == 2;
            });
        }
        String other = Replay.otherCpu(here).get().toString();
        assertEquals(List.of(new kiln.link.CpuMiscompare.Trial(here, 20, 20), new kiln.link.CpuMiscompare.Trial(other, 1, 0)),
                found.get(0).cpu().retest(), "the fault is this process's: the new JVM on cpu " + other + " computes it right");
        assertEquals("20 of 20 on cpu " + here + ", 0 of 1 on cpu " + other, found.get(0).cpu().rate());
        assertEquals("mercurial core", found.get(0).cpu().kind());
        assertEquals(new kiln.link.CpuMiscompare.Trial(here, 10, 10), found.get(1).cpu().retest().get(0), found.get(1).cpu().rate());
    }

    @Test
    @Timeout(60)
    void aUnitsCopies_pastTheFirstFew_areCountedNotRetested() {
        CpuMethod crc = CpuMethod.parse("crc32c").orElseThrow();
        long seed = crc.seeds()[0];
        long right = crc.answer(seed)[1];
        Mismatches out = new Mismatches();
        List<Mismatches.Mismatch> found = new ArrayList<>();
        try (Retester r = new Retester(0, Replay.allowedCpus(), out)) {
            r.withoutOtherCpu();
            for (int i = 0; i < Retester.DETAILED_PER_UNIT; i++) {
                assertTrue(r.submit(new Retester.Failure(crc, seed, 1, right, right ^ 4, 1, 0, "")), "failure " + i);
            }
            assertFalse(r.submit(new Retester.Failure(crc, seed, 1, right, right ^ 4, 1, 0, "")), "a copy past the first few");
            assertTrue(r.submit(new Retester.Failure(crc, crc.seeds()[1], 1, right, right ^ 4, 1, 0, "")), "another unit");
            await().atMost(Duration.ofSeconds(50)).until(() -> {
                out.drainTo(found, 32);
                return found.size() == Retester.DETAILED_PER_UNIT + 1;
            });
        }
        assertTrue(found.stream().allMatch(m -> !m.cpu().retest().isEmpty()), "every detail retested");
    }
}
