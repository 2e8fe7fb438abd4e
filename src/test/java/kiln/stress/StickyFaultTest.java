package kiln.stress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kiln.link.CpuMiscompare;
import kiln.stress.cpu.InjectedFault;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fault that sticks, on the real burner and its retester: every result of the method is wrong
 * from then on, its retest on the failing cpu reproduces it every time, and a unit's copies past
 * the first few are counted, not detailed.
 */
final class StickyFaultTest {
    private static List<Mismatches.Mismatch> details(CpuBurner b, int atLeast) {
        List<Mismatches.Mismatch> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            b.mismatches().drainTo(found, 32);
            return found.size() >= atLeast;
        });
        return found;
    }

    @Test
    @Timeout(90)
    void stickyFault_failsEveryResult_andReproducesOnItsCpuEveryTime() {
        CpuMethod fma = CpuMethod.parse("fma").orElseThrow();
        try (CpuBurner b = new CpuBurner(0, List.of(fma), 1, 100, Ticker.SYSTEM)) {
            b.retestHereOnly();
            b.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> b.ops().get("fma") > 3);
            assertTrue(b.injectStickyFault(Optional.of(fma)));
            await().atMost(Duration.ofSeconds(20)).until(() -> b.verifyErrors() > 50);
            long ops = b.ops().get("fma");
            long errors = b.verifyErrors();
            await().atMost(Duration.ofSeconds(20)).until(() -> b.ops().get("fma") > ops + 50);
            assertTrue(b.verifyErrors() - errors >= 50, "every result from then on is wrong, not one: " + b.verifyErrors());

            List<Mismatches.Mismatch> found = details(b, 2);
            CpuMiscompare first = found.get(0).cpu();
            assertEquals(List.of(new CpuMiscompare.Trial(CpuBurner.cpus(), 20, 20)), first.retest(),
                    "the retest on the failing cpu meets the same fault: " + first.rate());
            assertEquals("mercurial core", first.kind());
            assertEquals(1L << InjectedFault.BIT, first.mask());
            for (Mismatches.Mismatch m : found) {
                CpuMiscompare.Trial here = m.cpu().retest().get(0);
                assertEquals(here.runs(), here.failed(), "every retest reproduces it: " + m.cpu().rate());
                assertTrue(here.runs() == 20 || here.runs() == 10, m.cpu().rate());
            }
            // the copies: a unit's first few are detailed, then only counted
            int most = fma.seeds().length * kiln.stress.cpu.Retester.DETAILED_PER_UNIT;
            await().atMost(Duration.ofSeconds(30)).until(() -> b.verifyErrors() > 10L * most);
            b.mismatches().drainTo(found, 1000);
            assertTrue(found.size() <= most, found.size() + " details for " + b.verifyErrors() + " wrong results");
        }
    }

    @Test
    @Timeout(90)
    void stickyFault_forAnyMethod_sticksToTheNextToRun_andLeavesTheOthersRight() {
        List<CpuMethod> two = List.of(CpuMethod.parse("int").orElseThrow(), CpuMethod.parse("crc32c").orElseThrow());
        try (CpuBurner b = new CpuBurner(0, two, 1, 100, Ticker.SYSTEM)) {
            b.retestHereOnly();
            b.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> b.ops().values().stream().allMatch(n -> n > 0));
            assertTrue(b.injectStickyFault(Optional.empty()));
            await().atMost(Duration.ofSeconds(20)).until(() -> b.verifyErrors() > 0);
            var before = b.ops();
            // the methods rotate once a second: both run again after the fault stuck
            await().atMost(Duration.ofSeconds(30)).until(() -> b.ops().entrySet().stream().allMatch(e -> e.getValue() > before.get(e.getKey()) + 10));
            assertEquals(1, b.verifyErrorsByMethod().size(), "one method stuck, the other still right: " + b.verifyErrorsByMethod());
            String stuck = b.verifyErrorsByMethod().keySet().iterator().next();
            assertTrue(b.verifyErrorsByMethod().get(stuck) > 10, "every result of it wrong: " + b.verifyErrorsByMethod());
            assertEquals(stuck, details(b, 1).get(0).method());
        }
    }

    @Test
    void stickyFault_intoAMethodTheBurnerDoesNotRun_isRefused() {
        try (CpuBurner b = new CpuBurner(0, CpuMethod.select("int"), 1, 100, Ticker.SYSTEM)) {
            assertEquals(false, b.injectStickyFault(Optional.of(CpuMethod.parse("fma").orElseThrow())));
        }
    }
}
