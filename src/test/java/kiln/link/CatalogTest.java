package kiln.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kiln.stress.CpuMethod;
import org.junit.jupiter.api.Test;

/** The supervisor side lists the CPU methods and memory patterns through the link, built-in and test-only alike. */
final class CatalogTest {
    /** A method that exists only here: registering it is all it takes for the catalog to list it. */
    static final class Nothing extends CpuMethod {
        Nothing() {
            super("test-nothing", new long[] {1}, new long[][] {{0}}, Measure.BYTES, 64);
        }

        @Override
        public Work newWork() {
            return new Work() {
                @Override
                public void run(long seed, long[] out) {
                    out[0] = 0;
                }
            };
        }
    }

    @Test
    void theBuiltInMembers_areListed_inRegistrationOrder() {
        assertEquals("int", Catalog.cpuMethods().get(0).word(), "the registry's first line");
        assertTrue(Catalog.cpuMethod("fma").isPresent());
        assertEquals(CpuMethodInfo.Measure.FLOPS, Catalog.cpuMethod("fma").orElseThrow().measure());
        assertEquals(CpuMethod.values().stream().map(CpuMethod::word).toList(), Catalog.cpuMethods().stream().map(CpuMethodInfo::word).toList(),
                "one registry, two views");
        assertEquals(kiln.stress.memory.Patterns.names(), Catalog.memoryPatterns());
    }

    @Test
    void aMethodRegisteredInATest_isListed_untilItIsTakenAway() {
        Nothing nothing = new Nothing();
        CpuMethod.register(nothing);
        try {
            CpuMethodInfo listed = Catalog.cpuMethod("test-nothing").orElseThrow();
            assertEquals(CpuMethodInfo.Measure.BYTES, listed.measure());
            assertEquals(64, listed.perOp());
        } finally {
            CpuMethod.unregister(nothing);
        }
        assertTrue(Catalog.cpuMethod("test-nothing").isEmpty());
    }
}
