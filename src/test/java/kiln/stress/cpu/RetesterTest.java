package kiln.stress.cpu;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kiln.link.CpuMiscompare;
import kiln.stress.CpuMethod;
import kiln.stress.Mismatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The retest of a wrong result: 20 runs after a unit's first failure, 10 after later ones, another
 * cpu for the first few only, a unit's copies past the first few counted only, and a fault that
 * sticks met on the failing cpu and not on another.
 */
final class RetesterTest {
    private static final CpuMethod CRC = CpuMethod.parse("crc32c").orElseThrow();
    private static final long SEED = CRC.seeds()[0];
    /** As a worker pinned to the first cpu. */
    private static final String HERE = Replay.cpuList(Replay.allowedCpus()).get(0).toString();

    /** A wrong result of crc32c's unit {@code seed}: element 1 off by bit 2. */
    private static Retester.Failure failure(long seed) {
        long right = CRC.answer(seed)[1];
        return new Retester.Failure(CRC, seed, 1, right, right ^ 4, 1, 0, "");
    }

    /** Waits for {@code n} details from {@code out}, then closes the retester. */
    private static List<Mismatches.Mismatch> details(Retester r, Mismatches out, int n) {
        List<Mismatches.Mismatch> found = new ArrayList<>();
        try (r) {
            await().atMost(Duration.ofSeconds(100)).until(() -> {
                out.drainTo(found, 32);
                return found.size() >= n;
            });
        }
        return found;
    }

    @Test
    @Timeout(120)
    void firstFailure_twentyRuns_laterOnesTen_andAnotherCpuOnlyForTheFirstFew() {
        boolean other = Replay.otherCpu(HERE).isPresent();
        Mismatches out = new Mismatches();
        Retester r = new Retester(0, HERE, out);
        int failures = Retester.OTHER_CPU_RETESTS + 2;
        for (int i = 0; i < failures; i++) {
            r.submit(failure(SEED));
        }
        List<Mismatches.Mismatch> found = details(r, out, failures);
        assertEquals(failures, found.size());
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
        org.junit.jupiter.api.Assumptions.assumeTrue(Replay.otherCpu(HERE).isPresent(), "needs a second cpu and taskset");
        InjectedFault fault = new InjectedFault();
        fault.stick(Optional.of(CRC));
        Mismatches out = new Mismatches();
        Retester r = new Retester(0, HERE, out, fault);
        r.submit(failure(SEED));
        r.submit(failure(SEED));
        List<Mismatches.Mismatch> found = details(r, out, 2);
        String other = Replay.otherCpu(HERE).get().toString();
        assertEquals(List.of(new CpuMiscompare.Trial(HERE, 20, 20), new CpuMiscompare.Trial(other, 1, 0)), found.get(0).cpu().retest(),
                "the fault is this process's: the new JVM on cpu " + other + " computes it right");
        assertEquals("20 of 20 on cpu " + HERE + ", 0 of 1 on cpu " + other, found.get(0).cpu().rate());
        assertEquals("mercurial core", found.get(0).cpu().kind());
        assertEquals(new CpuMiscompare.Trial(HERE, 10, 10), found.get(1).cpu().retest().get(0), found.get(1).cpu().rate());
    }

    @Test
    @Timeout(60)
    void aUnitsCopies_pastTheFirstFew_areCountedNotRetested() {
        Mismatches out = new Mismatches();
        Retester r = new Retester(0, Replay.allowedCpus(), out);
        r.withoutOtherCpu();
        for (int i = 0; i < Retester.DETAILED_PER_UNIT; i++) {
            assertTrue(r.submit(failure(SEED)), "failure " + i);
        }
        assertFalse(r.submit(failure(SEED)), "a copy past the first few");
        assertTrue(r.submit(failure(CRC.seeds()[1])), "another unit");
        List<Mismatches.Mismatch> found = details(r, out, Retester.DETAILED_PER_UNIT + 1);
        assertEquals(Retester.DETAILED_PER_UNIT + 1, found.size());
        assertTrue(found.stream().allMatch(m -> !m.cpu().retest().isEmpty()), "every detail retested");
    }
}
