package kiln.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import kiln.workspace.Errno;
import kiln.workspace.FsException;
import kiln.workspace.LedgerFile;
import kiln.workspace.RunHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-core ledger on real files: what one daemon records the next one reads (persistence across
 * restarts and runs), the recidivism rule, and a hostile or damaged ledger (a link, someone
 * else's mode, a torn or absurd line, a file past the size limit): refused or skipped and said,
 * never read as "no failure".
 */
final class CoreLedgerTest {
    @TempDir
    Path dir;

    private static CoreFailure failure(String at, String run, String cpu) {
        return new CoreFailure(Instant.parse(at), run, cpu, "fma", new CoreFailure.Detail("1f", "4", 10, 10, false));
    }

    private Path file() {
        return dir.resolve(".kiln-runs/" + LedgerFile.NAME);
    }

    @Test
    void whatOneDaemonRecords_theNextReads() throws Exception {
        try (RunHistory h = RunHistory.open(dir)) {
            CoreLedger ledger = CoreLedger.open(h.ledger());
            assertTrue(ledger.reading().failures().isEmpty());
            ledger.record(failure("2026-12-01T10:00:00Z", "run-0000000001-20261201T100500Z", "3"));
            ledger.record(List.of(failure("2026-12-02T10:00:00Z", "run-0000000002-20261202T100500Z", "3"),
                    failure("2026-12-02T10:00:01Z", "run-0000000002-20261202T100500Z", "5")));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        try (RunHistory h = RunHistory.open(dir)) {
            CoreLedger again = CoreLedger.open(h.ledger());
            assertNull(again.problem());
            assertEquals(3, again.reading().failures().size());
            assertEquals(Map.of("3", 2L, "5", 1L), again.failuresByCpu());
            assertEquals(List.of("3"), again.reading().recidivists().stream().map(LedgerReading.Core::cpu).toList());
            assertEquals(failure("2026-12-02T10:00:01Z", "run-0000000002-20261202T100500Z", "5"), again.reading().failures().get(2),
                    "every field read back as written");
        }
        assertEquals(4, Files.readAllLines(file()).size(), "a header, then one line a failure");
    }

    @Test
    void recidivism_isTwoRuns_orOneRun24HoursApart_neverRetestsOrOneOccasion() {
        assertFalse(LedgerReading.recidivist(List.of(failure("2026-12-01T10:00:00Z", "a", "3"))));
        assertFalse(LedgerReading.recidivist(List.of(failure("2026-12-01T10:00:00Z", "a", "3"), failure("2026-12-02T09:59:59Z", "a", "3"))),
                "one run, less than 24 h apart: one occasion");
        assertTrue(LedgerReading.recidivist(List.of(failure("2026-12-01T10:00:00Z", "a", "3"), failure("2026-12-02T10:00:00Z", "a", "3"))),
                "a burn-in of days failing on two days");
        assertTrue(LedgerReading.recidivist(List.of(failure("2026-12-01T10:00:00Z", "a", "3"), failure("2026-12-01T10:05:00Z", "b", "3"))),
                "two runs, minutes apart");
        LedgerReading r = LedgerReading.EMPTY.plus(List.of(failure("2026-12-01T10:00:00Z", "a", "3"), failure("2026-12-01T10:05:00Z", "b", "4")));
        assertTrue(r.recidivists().isEmpty(), "two runs, but two cores");
    }

    private void write(String text) throws Exception {
        Files.createDirectories(file().getParent());
        Files.setPosixFilePermissions(file().getParent(), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(file(), text);
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void damagedLines_areSkippedAndSaid_andTheRestCounts() throws Exception {
        String good = failure("2026-12-01T10:00:00Z", "a", "3").line();
        write(good + "garbage\n" + good.replace("\tfma\t", "\tFMA;rm -rf\t") + "x".repeat(10_000) + "\n" + "\u0000\u0001\n"
                + good.replace("10/10", "ten") + good + "2026-12-01T10:00:00Z\tb\t3");
        try (RunHistory h = RunHistory.open(dir)) {
            CoreLedger ledger = CoreLedger.open(h.ledger());
            assertEquals(2, ledger.reading().failures().size(), "the two good lines");
            assertEquals(6, ledger.reading().damagedCount());
            assertTrue(ledger.problem().contains("6 lines of the ledger are damaged: line 2: 1 fields, not 8; line 3: method = FMA;rm -rf"),
                    ledger.problem());
            assertTrue(ledger.reading().damage().endsWith("; …"), "past five, counted: " + ledger.reading().damage());
            ledger.record(failure("2026-12-03T10:00:00Z", "c", "3"));
        }
        List<String> lines = Files.readAllLines(file());
        assertEquals(failure("2026-12-03T10:00:00Z", "c", "3").line().strip(), lines.get(lines.size() - 1),
                "a new line after a torn one stays whole");
        assertEquals("2026-12-01T10:00:00Z\tb\t3", lines.get(lines.size() - 2), "and the torn one stays one damaged line");
    }

    @Test
    void aLedgerThatIsALink_isRefused_neitherReadNorWrittenThrough() throws Exception {
        Path target = Files.writeString(dir.resolve("elsewhere"), failure("2026-12-01T10:00:00Z", "a", "3").line());
        try (RunHistory h = RunHistory.open(dir)) {
            Files.createSymbolicLink(file(), target);
            CoreLedger ledger = CoreLedger.open(h.ledger());
            assertTrue(ledger.problem().startsWith("cannot read the core ledger: "), ledger.problem());
            ledger.record(failure("2026-12-02T10:00:00Z", "b", "3"));
            assertTrue(ledger.problem().startsWith("cannot record 1 failure in the core ledger"), ledger.problem());
            assertEquals(1, ledger.reading().failures().size(), "still counted by this daemon");
        }
        assertEquals(1, Files.readAllLines(target).size(), "nothing written through the link");
    }

    @Test
    void aLedgerOpenToOthers_isRefused() throws Exception {
        write(failure("2026-12-01T10:00:00Z", "a", "3").line());
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-rw-rw-"));
        try (RunHistory h = RunHistory.open(dir)) {
            FsException e = assertThrows(FsException.class, () -> h.ledger().read());
            assertEquals(Errno.EPERM, e.errno());
            assertTrue(e.getMessage().contains("with mode rw-rw-rw-, not kiln's ledger"), e.getMessage());
        }
    }

    @Test
    void aLedgerPastTheSizeLimit_isCutAndSaid_andNotAppendedTo() throws Exception {
        String good = failure("2026-12-01T10:00:00Z", "a", "3").line();
        write(good.repeat(LedgerFile.MAX_BYTES / good.length() + 10));
        try (RunHistory h = RunHistory.open(dir)) {
            CoreLedger ledger = CoreLedger.open(h.ledger());
            assertTrue(ledger.problem().contains("past the ledger's size limit: not read"), ledger.problem());
            long before = Files.size(file());
            ledger.record(failure("2026-12-02T10:00:00Z", "b", "3"));
            assertTrue(ledger.problem().contains("archive it"), ledger.problem());
            assertEquals(before, Files.size(file()), "not grown");
        }
    }
}
