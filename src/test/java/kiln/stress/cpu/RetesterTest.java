package kiln.stress.cpu;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
