package kiln.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln check}'s judgement on real kept report and ledger files, as a daemon leaves them in
 * {@code <dir>/.kiln-runs}: every verdict, the newest unreadable, a recidivist core, a damaged
 * ledger; and the one line always one line of at most 80 bytes.
 */
final class CheckTest {
    @TempDir
    Path dir;

    private Path runs() throws Exception {
        Path runs = Files.createDirectories(dir.resolve(".kiln-runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwx------"));
        return runs;
    }

    static String report(String verdict, String end, String reason) {
        return "{\"schema_version\": 2, \"end\": \"" + end + "\", \"verdict\": \"" + verdict + "\", \"verdict_reasons\": ["
                + (reason == null ? "" : "\"" + reason + "\"") + "]}\n";
    }

    /** A failed run's report as the daemon keeps it: the first error with its cpu, method and retest. */
    static String failedReport(String end, boolean injected) {
        return "{\"schema_version\": 2, \"end\": \"" + end + "\", \"verdict\": \"fail\", \"verdict_reasons\": [\"1 verification error\"],"
                + " \"injected_fault\": " + (injected ? "{\"target\": \"cpu:fma\"}" : "null") + ", \"errors\": {\"count\": 1, \"first\": ["
                + "{\"worker\": 3, \"cpu\": 3, \"stressor\": \"cpu\", \"method\": \"fma\", \"retest\": {\"runs\": 11, \"failed\": 10,"
                + " \"per_cpu\": [{\"cpu\": \"3\", \"runs\": 10, \"failed\": 10}, {\"cpu\": \"0\", \"runs\": 1, \"failed\": 0}]}}]}}\n";
    }

    private void keep(int sequence, String stamp, String text) throws Exception {
        Files.writeString(runs().resolve(String.format("run-%010d-%s.json", sequence, stamp)), text);
    }

    private Check.Answer check() throws Exception {
        Optional<Check.Facts> f = KeptFacts.read(dir, "kept reports");
        assertTrue(f.isPresent(), "kept reports found in " + dir);
        Check.Answer a = Check.decide(f.get());
        assertTrue(a.line().getBytes(StandardCharsets.UTF_8).length <= 80 && !a.line().contains("\n"), "one short line: " + a.line());
        return a;
    }

    @Test
    void pass_isOk() throws Exception {
        keep(1, "20261206T120000Z", report("pass", "2026-12-06T12:00:00Z", null));
        assertEquals(new Check.Answer(0, "pass: run 2026-12-06T12:00Z (kept reports)"), check());
    }

    @Test
    void fail_isAProblem_namingTheCore_theMethod_theRetest_andTheRun() throws Exception {
        keep(1, "20261206T120000Z", failedReport("2026-12-06T12:00:00Z", false));
        assertEquals(new Check.Answer(1, "fail: cpu 3 failed fma 10/10 retests, run 2026-12-06T12:00Z"), check());
    }

    @Test
    void aFailOfAWorkerNotPinned_namesTheCpusItRanOn() throws Exception {
        keep(1, "20261206T120000Z", "{\"schema_version\": 3, \"end\": \"2026-12-06T12:00:00Z\", \"verdict\": \"fail\","
                + " \"errors\": {\"count\": 1, \"first\": [{\"worker\": 0, \"cpu\": null, \"cpus\": [0, 1], \"stressor\": \"cpu\","
                + " \"method\": \"int\"}]}}\n");
        assertEquals(new Check.Answer(1, "fail: cpus 0,1 failed int, run 2026-12-06T12:00Z"), check());
    }

    @Test
    void anInjectedFail_saysSo() throws Exception {
        keep(1, "20261206T120000Z", failedReport("2026-12-06T12:00:00Z", true));
        assertEquals(new Check.Answer(1, "fail: cpu 3 failed fma 10/10 retests (injected), run 2026-12-06T12:00Z"), check());
    }

    @Test
    void degraded_isOkForTheCondition_andAProblemForTheEventRule() throws Exception {
        keep(1, "20261206T120000Z", report("degraded", "2026-12-06T12:00:00Z", "w1 stalled once"));
        assertEquals(new Check.Answer(0, "degraded: w1 stalled once, run 2026-12-06T12:00Z"), check());
        assertEquals(new Check.Answer(1, "degraded: w1 stalled once, run 2026-12-06T12:00Z"),
                Check.degraded(KeptFacts.read(dir, "kept reports").orElseThrow()));
    }

    @Test
    void theEventRule_isQuietForAnythingButDegraded() throws Exception {
        keep(1, "20261206T120000Z", failedReport("2026-12-06T12:00:00Z", false));
        assertEquals(0, Check.degraded(KeptFacts.read(dir, "kept reports").orElseThrow()).code(), "the condition says fail, not an event");
    }

    @Test
    void inconclusive_isNeitherOkNorAProblem() throws Exception {
        keep(1, "20261206T120000Z", report("pass", "2026-12-06T12:00:00Z", null));
        keep(2, "20261206T130000Z", report("inconclusive", "2026-12-06T13:00:00Z", "the run was cut short: stopped on request"));
        assertEquals(new Check.Answer(5, "inconclusive: the run was cut short: stopped on request, run 2026-12-06T13:00Z"), check());
    }

    /** A node that failed stays failed until a run vouches for it: inconclusive runs after a fail do not clear it. */
    @Test
    void aFail_standsBehindInconclusiveRuns_andAnUnreadableOne() throws Exception {
        keep(1, "20261206T120000Z", failedReport("2026-12-06T12:00:00Z", false));
        keep(2, "20261206T130000Z", report("inconclusive", "2026-12-06T13:00:00Z", "cut short"));
        keep(3, "20261206T140000Z", "{\"verdict\": \"pass\", \"end\": \"2026-12");
        assertEquals(new Check.Answer(1, "fail: cpu 3 failed fma 10/10 retests, run 2026-12-06T12:00Z; later runs inconclusive"), check());
    }

    @Test
    void anUnreadableNewest_afterAPass_isInconclusive_neverAPass() throws Exception {
        keep(1, "20261206T120000Z", report("pass", "2026-12-06T12:00:00Z", null));
        keep(2, "20261206T130000Z", "");
        assertEquals(new Check.Answer(5, "inconclusive: report unreadable, run 2026-12-06T13:00Z"), check());
    }

    @Test
    void aPassAfterAFail_clearsIt() throws Exception {
        keep(1, "20261206T120000Z", failedReport("2026-12-06T12:00:00Z", false));
        keep(2, "20261206T130000Z", report("pass", "2026-12-06T13:00:00Z", null));
        assertEquals(0, check().code());
    }

    @Test
    void noKeptReports_isNothingToJudgeBy() throws Exception {
        assertEquals(Optional.empty(), KeptFacts.read(dir.resolve("never-made"), "kept reports"));
        runs();
        assertEquals(Optional.empty(), KeptFacts.read(dir, "kept reports"), "an empty history either");
        assertTrue(Files.notExists(dir.resolve("never-made")), "reading makes nothing");
    }

    private void ledger(String text) throws Exception {
        Path l = runs().resolve("core-ledger.tsv");
        Files.writeString(l, text);
        Files.setPosixFilePermissions(l, PosixFilePermissions.fromString("rw-------"));
    }

    static String line(String at, String run, String cpu) {
        return at + "\t" + run + "\t" + cpu + "\tfma\t1f\t4\t10/10\thardware\n";
    }

    /** A core that failed in two runs fails the node even after a later pass: the core is not trusted again. */
    @Test
    void aRecidivistCore_isAProblem_evenAfterAPass() throws Exception {
        keep(2, "20261206T130000Z", report("pass", "2026-12-06T13:00:00Z", null));
        ledger(CoreFailure.HEADER + line("2026-12-01T10:00:00Z", "run-0000000001-20261201T100500Z", "3")
                + line("2026-12-05T10:00:00Z", "screen-7", "3") + line("2026-12-05T10:00:00Z", "screen-7", "1"));
        assertEquals(new Check.Answer(1, "fail: cpu 3 recidivist, 2 runs failed (fma), last 2026-12-05T10:00Z"), check());
    }

    /** A screen between runs records its failure in the ledger only: a pass before it no longer vouches for the node. */
    @Test
    void aScreensFailureAfterTheLastPass_isAProblem_namingTheCpuAndMethod() throws Exception {
        keep(1, "20261206T120000Z", report("pass", "2026-12-06T12:00:00Z", null));
        ledger(CoreFailure.HEADER + line("2026-12-01T10:00:00Z", "run-0", "2") + line("2026-12-06T12:30:00Z", "screen-7", "5"));
        assertEquals(new Check.Answer(1, "fail: cpu 5 failed fma 10/10 retests, screen-7 2026-12-06T12:30Z"), check());
        keep(2, "20261206T130000Z", report("pass", "2026-12-06T13:00:00Z", null));
        assertEquals(0, check().code(), "a later pass settles it, as it settles a failed run");
    }

    @Test
    void aCoreThatFailedInOneRun_isNotRecidivist() throws Exception {
        keep(2, "20261206T130000Z", report("pass", "2026-12-06T13:00:00Z", null));
        ledger(line("2026-12-01T10:00:00Z", "run-1", "3") + line("2026-12-01T10:00:01Z", "run-1", "3"));
        assertEquals(0, check().code());
    }

    /** Only failures are written: a damaged line is a failure of unknown core, so a pass cannot stand on the ledger. */
    @Test
    void aDamagedLedger_isUnknown_neverOk() throws Exception {
        keep(1, "20261206T120000Z", report("pass", "2026-12-06T12:00:00Z", null));
        ledger(line("2026-12-01T10:00:00Z", "run-1", "3") + "2026-12-02T10:00:00Z\trun-2\t3\tfm");
        Check.Answer a = check();
        assertEquals(3, a.code(), a.line());
        assertTrue(a.line().startsWith("unknown: core ledger damaged (1 line of the ledger is damaged: line 2: cut"), a.line());
    }

    @Test
    void aLedgerThatIsALink_isUnknown() throws Exception {
        keep(1, "20261206T120000Z", report("pass", "2026-12-06T12:00:00Z", null));
        Path elsewhere = Files.writeString(dir.resolve("planted"), "");
        Files.createSymbolicLink(runs().resolve("core-ledger.tsv"), elsewhere);
        Check.Answer a = check();
        assertEquals(3, a.code(), a.line());
    }

    @Test
    void keptReportsBehindALink_areRefused_notFollowed() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(elsewhere.resolve("run-0000000001-20261206T120000Z.json"), report("pass", "2026-12-06T12:00:00Z", null));
        Files.createSymbolicLink(dir.resolve(".kiln-runs"), elsewhere);
        kiln.workspace.WorkspaceException e = org.junit.jupiter.api.Assertions.assertThrows(kiln.workspace.WorkspaceException.class,
                () -> KeptFacts.read(dir, "kept reports"));
        assertTrue(e.getMessage().contains("it is a link or not a directory"), e.getMessage());
    }

    @Test
    void aLongReason_isCutToOneLineOf80Bytes() {
        String reason = "w1 stalled once\nand then °C " + "x".repeat(200);
        String line = Check.fit("degraded: " + reason);
        assertTrue(line.endsWith("...") && line.getBytes(StandardCharsets.UTF_8).length <= 80 && !line.contains("\n"), line);
        assertTrue(line.startsWith("degraded: w1 stalled once and then °C xx"), line);
    }
}
