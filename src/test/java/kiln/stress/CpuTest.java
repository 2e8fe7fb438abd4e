package kiln.stress;

import kiln.util.Ticker;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class CpuTest {

    @Test
    void everyMethod_computesItsKnownAnswer() {
        for (CpuMethod method : CpuMethod.values()) {
            CpuWork m = method.newWork();
            assertEquals(method, m.method());
            for (int i = 0; i < 3; i++) {
                assertEquals(method.expected(), m.op(), method.word() + " result " + i);
            }
        }
    }

    @Test
    void settingWords_selectOneMethodOrAllOfThem() {
        assertEquals(java.util.List.of("int", "float", "sha256", "factorial", "all"), java.util.List.copyOf(CpuMethod.settingWords()));
        assertEquals(java.util.List.of(CpuMethod.values()), CpuMethod.select("all"));
        for (CpuMethod m : CpuMethod.values()) {
            assertEquals(java.util.List.of(m), CpuMethod.select(m.word()));
            assertEquals(java.util.Optional.of(m), CpuMethod.parse(m.word()));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> CpuMethod.select("fft"));
        assertTrue(e.getMessage().contains("fft") && e.getMessage().contains("sha256"), e.getMessage());
        assertEquals(java.util.Optional.empty(), CpuMethod.parse("INT"), "the word, not the constant's name");
    }

    @Test
    void everyMethod_dependsOnItsInput() {
        for (CpuMethod method : CpuMethod.values()) {
            CpuWork m = method.newWork();
            assertNotEquals(m.compute(0x5DEECE66DL), m.compute(0x5DEECE66DL + 1), method.word() + " is not a constant");
        }
    }

    @Test
    @Timeout(30)
    void burner_countsAWrongAnswerAsAVerificationError() {
        for (CpuMethod cm : CpuMethod.values()) {
            String method = cm.word();
            try (CpuBurner b = new CpuBurner(0, java.util.List.of(cm), 1, 100, Ticker.SYSTEM)) {
                b.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> b.ops().get(method) > 10);
                assertEquals(0, b.verifyErrors(), method + ": a healthy CPU gives right answers");
                b.injectFault();
                await().atMost(Duration.ofSeconds(10)).until(() -> b.verifyErrors() == 1);
                long ops = b.ops().get(method);
                await().atMost(Duration.ofSeconds(10)).until(() -> b.ops().get(method) > ops + 10);
                assertEquals(1, b.verifyErrors(), method + ": exactly the one corrupted result is counted");
            }
        }
    }

    @Test
    @Timeout(30)
    void burner_all_rotatesThroughEveryMethod() {
        try (CpuBurner b = new CpuBurner(0, CpuMethod.select(CpuMethod.ALL), 1, 100, Ticker.SYSTEM)) {
            b.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> b.ops().values().stream().allMatch(v -> v > 0));
            assertEquals(CpuMethod.settingWords().size() - 1, b.ops().size());
        }
    }

    /** A clock that only moves when work is done or sleep is asked for. */
    static final class FakeClock {
        long now = 1_000_000_000L;
    }

    @Test
    void dutyCycle_holdsItsShareUnderAFakeClock() {
        for (int load : new int[] {0, 10, 25, 50, 75, 90, 100}) {
            FakeClock clock = new FakeClock();
            long opNanos = TimeUnit.MICROSECONDS.toNanos(137);
            long oversleep = TimeUnit.MICROSECONDS.toNanos(900); // timers wake late
            DutyCycle d = new DutyCycle(load, Ticker.of(() -> clock.now, n -> clock.now += n + oversleep));
            long start = clock.now;
            for (int period = 0; period < 600; period++) {
                d.runPeriod(() -> clock.now += opNanos);
            }
            double share = (double) d.busyNanos() / (clock.now - start);
            assertEquals(load / 100.0, share, 0.005, "load " + load + "% held on average");
        }
    }

    @Test
    void dutyCycle_doesNotBurstAfterAStall() {
        FakeClock clock = new FakeClock();
        DutyCycle d = new DutyCycle(50, Ticker.of(() -> clock.now, n -> clock.now += n));
        d.runPeriod(() -> clock.now += 10_000);
        clock.now += TimeUnit.SECONDS.toNanos(5); // descheduled for five seconds
        long before = d.busyNanos();
        d.runPeriod(() -> clock.now += 10_000);
        assertTrue(d.busyNanos() - before <= DutyCycle.PERIOD_NANOS / 2 + 10_000, "one period's share, not five seconds of debt");
    }

    @Test
    void dutyCycle_rejectsLoadOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new DutyCycle(101, Ticker.SYSTEM));
        assertThrows(IllegalArgumentException.class, () -> new DutyCycle(-1, Ticker.SYSTEM));
    }
}
