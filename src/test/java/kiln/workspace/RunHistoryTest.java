package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class RunHistoryTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheNewest_andSurvivesAReopen() throws Exception {
        Path dir = tmp.resolve("data");
        Instant t0 = Instant.parse("2026-11-22T06:00:00Z");
        try (RunHistory h = RunHistory.open(dir)) {
            assertEquals(Optional.empty(), h.latest());
            for (int i = 0; i < RunHistory.KEEP + 5; i++) {
                h.save(t0.plusSeconds(60L * i), "{\"n\":" + i + "}");
            }
            assertEquals("run-20261122T062400Z-2", h.save(t0.plusSeconds(60L * 24), "{\"again\":true}"),
                    "the same second gets a suffix");
            assertEquals(RunHistory.KEEP, h.ids().size());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(".kiln-runs"))));
        try (RunHistory h = RunHistory.open(dir)) {
            assertEquals(Optional.of("{\"again\":true}"), h.latest(), "a restarted daemon reads the last run back");
            assertEquals("run-20261122T062400Z", h.ids().get(RunHistory.KEEP - 2));
            assertEquals("run-20261122T060600Z", h.ids().get(0), "the oldest went");
            assertEquals(Optional.empty(), h.read("../../etc/passwd"), "only names of kiln's form are read");
            assertEquals(Optional.empty(), h.read("run-20991122T060000Z"));
        }
    }

    @Test
    void aForeignFileWithAReportName_isNotReadAsAReport() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("data/.kiln-runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwx------"));
        Path elsewhere = Files.writeString(tmp.resolve("pass.json"), "{\"verdict\":\"pass\"}");
        Files.createSymbolicLink(runs.resolve("run-20991231T000000Z.json"), elsewhere);
        try (RunHistory h = RunHistory.open(tmp.resolve("data"))) {
            assertEquals(Optional.empty(), h.latest(), "a link is not a report");
        }
    }

    @Test
    void aHistoryDirectoryOpenToOthers_isRefused() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("data/.kiln-runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwxrwxrwx"));
        WorkspaceException e = assertThrows(WorkspaceException.class, () -> RunHistory.open(tmp.resolve("data")));
        assertTrue(e.getMessage().startsWith("refusing " + runs + ": owned by "), e.getMessage());
        Path link = tmp.resolve("other/.kiln-runs");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, runs);
        WorkspaceException l = assertThrows(WorkspaceException.class, () -> RunHistory.open(tmp.resolve("other")));
        assertTrue(l.getMessage().startsWith("refusing " + link + ": it is a link"), l.getMessage());
    }
}
