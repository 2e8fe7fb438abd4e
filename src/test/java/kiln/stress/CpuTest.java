package kiln.stress;

import kiln.util.Ticker;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
    void everyMethod_computesItsKnownAnswer_forEverySeed() {
        for (CpuMethod method : CpuMethod.values()) {
            CpuMethod.Work w = method.newWork();
            for (long seed : method.seeds()) {
                long[] expected = method.answer(seed);
                long[] out = new long[expected.length];
                for (int i = 0; i < 2; i++) {
                    w.run(seed, out);
                    assertArrayEquals(expected, out, method.word() + " seed " + Long.toHexString(seed) + " run " + i);
                }
            }
        }
    }

    @Test
    void theOldMethods_keepTheirOneSeedAndTheirAnswers() {
        long classic = 0x5DEECE66DL;
        assertArrayEquals(new long[] {0x15f7b6903b7ce3aeL}, CpuMethod.parse("int").orElseThrow().answer(classic));
        assertArrayEquals(new long[] {0x7670507372afdbdaL}, CpuMethod.parse("float").orElseThrow().answer(classic));
        assertArrayEquals(new long[] {0xcd04f88833855c4eL}, CpuMethod.parse("sha256").orElseThrow().answer(classic));
        assertArrayEquals(new long[] {0x2cd85204L}, CpuMethod.parse("factorial").orElseThrow().answer(classic));
    }

    @Test
    void fma_comparesTwelveAccumulatorsOfFourLanes() {
        CpuMethod fma = CpuMethod.parse("fma").orElseThrow();
        assertEquals(4, fma.lanes());
        for (long seed : fma.seeds()) {
            assertEquals(48, fma.answer(seed).length);
        }
        assertEquals(CpuMethod.Measure.FLOPS, fma.measure());
        assertTrue(fma.perOp() > 1_000_000, "an op is tens of microseconds of FMAs: " + fma.perOp());
    }

    @Test
    void answer_ofAnUnknownSeed_isRefusedWithTheSeedsItKnows() {
        var e = assertThrows(IllegalArgumentException.class, () -> CpuMethod.parse("aes").orElseThrow().answer(0x42));
        assertTrue(e.getMessage().contains("no known answer for seed 42") && e.getMessage().contains("c0ffee"), e.getMessage());
    }

    @Test
    void settingWords_selectOneMethodOrAllOfThem() {
        assertEquals(java.util.List.of("int", "float", "sha256", "factorial", "fma", "aes", "crc32c", "deflate", "copy",
                "transcendental", "all"), java.util.List.copyOf(CpuMethod.settingWords()));
        assertEquals(CpuMethod.values(), CpuMethod.select("all"));
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
            CpuMethod.Work w = method.newWork();
            long seed = method.seeds()[0];
            long[] a = method.answer(seed);
            long[] b = new long[a.length];
            w.run(seed + 1, b);
            assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b), method.word() + " is not a constant");
        }
    }

    @Test
    @Timeout(120)
    void burner_catchesAFaultInEveryMethod_withItsMaskLaneRetestAndReplay() {
        for (CpuMethod cm : CpuMethod.values()) {
            String method = cm.word();
            try (CpuBurner b = new CpuBurner(0, java.util.List.of(cm), 1, 100, Ticker.SYSTEM)) {
                b.retestHereOnly();
                b.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> b.ops().get(method) > 3);
                assertEquals(0, b.verifyErrors(), method + ": a healthy CPU gives right answers");
                assertTrue(b.injectFault(cm));
                await().atMost(Duration.ofSeconds(20)).until(() -> b.verifyErrors() == 1);
                java.util.List<Mismatches.Mismatch> found = new java.util.ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    b.mismatches().drainTo(found, 10);
                    return !found.isEmpty();
                });
                long ops = b.ops().get(method);
                await().atMost(Duration.ofSeconds(20)).until(() -> b.ops().get(method) > ops + 3);
                assertEquals(1, b.verifyErrors(), method + ": exactly the one corrupted result is counted");
                assertEquals(java.util.Map.of(method, 1L), b.verifyErrorsByMethod());
                Mismatches.Mismatch m = found.get(0);
                kiln.link.CpuMiscompare c = m.cpu();
                assertEquals(method, m.method());
                assertEquals(1L << kiln.stress.cpu.InjectedFault.BIT, c.mask(), method + ": the mask is the flipped bit");
                int words = cm.answer(c.seed()).length;
                assertEquals(kiln.stress.cpu.InjectedFault.ELEMENT % words, c.element(), method);
                assertEquals(kiln.stress.cpu.InjectedFault.ELEMENT % words % cm.lanes(), c.lane(), method);
                assertEquals(1, c.differing(), method);
                assertEquals(Long.toHexString(cm.answer(c.seed())[c.element()]), m.expected(), method);
                assertEquals(Long.toHexString(cm.answer(c.seed())[c.element()] ^ c.mask()), m.actual(), method);
                assertEquals(java.util.List.of(new kiln.link.CpuMiscompare.Trial(CpuBurner.cpus(), 20, 0)), c.retest(),
                        method + ": a one-off fault reproduces 0 of 20 on its cpu");
                assertEquals("transient", c.kind());
                assertEquals("kiln replay --cpu " + CpuBurner.cpus() + " --method " + method + " --seed "
                        + Long.toHexString(c.seed()), c.replay());
            }
        }
    }

    @Test
    @Timeout(60)
    void fma_fault_namesItsLane_andIsRetestedOnAnotherCpu() {
        org.junit.jupiter.api.Assumptions.assumeTrue(kiln.stress.cpu.Replay.otherCpu(CpuBurner.cpus()).isPresent()
                        || kiln.stress.cpu.Replay.cpuList(CpuBurner.cpus()).size() > 1,
                "needs a second cpu");
        CpuMethod fma = CpuMethod.parse("fma").orElseThrow();
        try (CpuBurner b = new CpuBurner(0, java.util.List.of(fma), 1, 100, Ticker.SYSTEM)) {
            b.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> b.ops().get("fma") > 3);
            b.injectFault();
            java.util.List<Mismatches.Mismatch> found = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(50)).until(() -> {
                b.mismatches().drainTo(found, 10);
                return !found.isEmpty();
            });
            kiln.link.CpuMiscompare c = found.get(0).cpu();
            assertEquals(6, c.element());
            assertEquals(2, c.lane(), "accumulator 1, lane 2");
            if (kiln.stress.cpu.Replay.otherCpu(CpuBurner.cpus()).isPresent()) {
                assertEquals(2, c.retest().size(), c.rate());
                assertEquals(1, c.retest().get(1).runs());
                assertEquals(0, c.retest().get(1).failed());
                assertEquals("transient", c.kind());
            }
        }
    }

    @Test
    @Timeout(60)
    void burner_all_rotatesThroughEveryMethod() {
        try (CpuBurner b = new CpuBurner(0, CpuMethod.select(CpuMethod.ALL), 1, 100, Ticker.SYSTEM)) {
            b.start();
            await().atMost(Duration.ofSeconds(50)).until(() -> b.ops().values().stream().allMatch(v -> v > 0));
            assertEquals(CpuMethod.settingWords().size() - 1, b.ops().size());
        }
    }

    @Test
    void injectFault_intoAMethodTheBurnerDoesNotRun_isRefused() {
        try (CpuBurner b = new CpuBurner(0, CpuMethod.select("int"), 1, 100, Ticker.SYSTEM)) {
            assertEquals(false, b.injectFault(CpuMethod.parse("fma").orElseThrow()));
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
