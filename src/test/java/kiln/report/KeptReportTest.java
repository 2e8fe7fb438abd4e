package kiln.report;

import kiln.link.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A kept report read back as untrusted input: what is wrong with it is said, nothing escapes. */
final class KeptReportTest {
    private static final String GOOD = "{\"sequence\": 7, \"end\": \"2026-12-01T00:00:00Z\", \"verdict\": \"fail\", \"verdict_reasons\": [\"x\"]}";

    @Test
    void aReportKilnWrote_isRead() throws Exception {
        KeptReport r = KeptReport.parse(GOOD);
        assertEquals(7, r.sequence());
        assertEquals(Outcome.FAIL, r.verdict());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), r.end());
        assertEquals(0, KeptReport.parse("{\"end\": \"2026-12-01T00:00:00Z\", \"verdict\": \"pass\"}").sequence(),
                "a report from before sequences");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty|''|empty (a write that never finished)",
        "blank|'  \n'|empty (a write that never finished)",
        "cut short|'{\"sequence\": 7, \"end\": \"2026-12-01T0'|not JSON (cut short or damaged): ",
        "an array|'[1, 2]'|not JSON (cut short or damaged): ",
        "no verdict|'{\"end\": \"2026-12-01T00:00:00Z\"}'|no verdict",
        "a verdict of the wrong type|'{\"verdict\": [\"pass\"], \"end\": \"2026-12-01T00:00:00Z\"}'|no verdict",
        "an unknown verdict|'{\"verdict\": \"excellent\", \"end\": \"2026-12-01T00:00:00Z\"}'|an unknown verdict: excellent",
        "no end|'{\"verdict\": \"pass\"}'|no end time",
        "a bad end|'{\"verdict\": \"pass\", \"end\": \"yesterday\"}'|an end time that is not one: yesterday",
        "a negative sequence|'{\"verdict\": \"pass\", \"end\": \"2026-12-01T00:00:00Z\", \"sequence\": -1}'|a sequence that is not a count: -1",
        "a sequence in words|'{\"verdict\": \"pass\", \"end\": \"2026-12-01T00:00:00Z\", \"sequence\": \"7\"}'|a sequence that is not a count: 7",
    })
    void whatIsWrong_isSaid(String name, String json, String why) {
        KeptReport.Unreadable e = assertThrows(KeptReport.Unreadable.class, () -> KeptReport.parse(json));
        assertEquals(true, e.getMessage().startsWith(why), e.getMessage());
    }

    @Test
    void absurdNesting_isRefusedBeforeTheParserRecurses() {
        for (String deep : new String[] {"[".repeat(100_000), "{\"a\":".repeat(100_000), "[".repeat(33) + "]".repeat(33)}) {
            KeptReport.Unreadable e = assertThrows(KeptReport.Unreadable.class, () -> KeptReport.parse(deep));
            assertEquals("nested deeper than 32 levels: not a report kiln wrote", e.getMessage());
        }
        assertEquals(1, kiln.util.Json.depth("{\"a\": \"[[[[[[\\\"[[[\"}", 32), "brackets in strings do not count");
    }
}
