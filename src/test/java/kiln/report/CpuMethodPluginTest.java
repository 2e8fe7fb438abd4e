package kiln.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kiln.config.SettingsLoader;
import kiln.stress.CpuBurner;
import kiln.stress.CpuMethod;
import kiln.stress.Mismatches;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A CPU method is one class and one registry line: this one exists only here, and the setting,
 * the burner, the fault, the JSON report and the replay's checks take it without another change.
 */
final class CpuMethodPluginTest {

    /** Sums of a seeded sequence: two words, one lane each, measured in bytes. */
    static final class Sums extends CpuMethod {
        Sums() {
            super("test-sums");
        }

        @Override
        public long[] seeds() {
            return new long[] {7, 9};
        }

        @Override
        protected long[][] answers() {
            return new long[][] {{7 * 1000 + 499_500, 7 * 1000}, {9 * 1000 + 499_500, 9 * 1000}};
        }

        @Override
        public Measure measure() {
            return Measure.BYTES;
        }

        @Override
        public long perOp() {
            return 8000;
        }

        @Override
        public Work newWork() {
            return new Work() {
                @Override
                public void run(long seed, long[] out) {
                    long sum = 0;
                    for (int i = 0; i < 1000; i++) {
                        sum += seed + i;
                    }
                    out[0] = sum;
                    out[1] = seed * 1000;
                }
            };
        }
    }

    @Test
    @Timeout(60)
    void aMethodRegisteredHere_runsIsCheckedAndIsReported() {
        Sums sums = new Sums();
        CpuMethod.register(sums);
        try {
            assertTrue(CpuMethod.select(CpuMethod.ALL).contains(sums), "all rotates through it");
            assertEquals("test-sums", new SettingsLoader(2).load(null, Map.of("kiln.cpu.method", "test-sums")).cpu().method());
            try (CpuBurner b = new CpuBurner(0, List.of(sums), 1, 100, Ticker.SYSTEM)) {
                b.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> b.ops().getOrDefault("test-sums", 0L) > 10);
                assertEquals(0, b.verifyErrors(), "its known answers hold");
                assertTrue(b.injectFault(sums));
                List<Mismatches.Mismatch> found = new ArrayList<>();
                await().atMost(Duration.ofSeconds(40)).until(() -> {
                    b.mismatches().drainTo(found, 4);
                    return !found.isEmpty();
                });
                assertEquals("test-sums", found.get(0).method());
                assertEquals(1L << 17, found.get(0).cpu().mask());
                assertEquals(0, found.get(0).cpu().retest().get(0).failed(), found.get(0).cpu().rate());
            }
            Map<String, Object> methods = ReportJson.cpuMethods(Map.of("test-sums", 100L, "int", 10L), 10);
            assertEquals(Map.of("ops", 100L, "ops_per_second", 10.0, "bytes_per_second", 80000.0), methods.get("test-sums"));
            assertEquals(Map.of("ops", 10L, "ops_per_second", 1.0), methods.get("int"));
        } finally {
            CpuMethod.unregister(sums);
        }
    }
}
