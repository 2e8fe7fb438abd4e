package kiln.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report file: found unwritable at start, written whole at the end, never through a planted link. */
final class ReportFileTest {
    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aPathThatCannotBeWritten_isToldAtStart_inWords() {
        ReportFile.Unwritable e = assertThrows(ReportFile.Unwritable.class, () -> ReportFile.check(Path.of("/proc/kiln-nope/r.json")));
        assertTrue(e.getMessage().startsWith("cannot write the report /proc/kiln-nope/r.json: cannot make /proc/kiln-nope: "),
                e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), "words, not a class name: " + e.getMessage());
        ReportFile.Unwritable dir = assertThrows(ReportFile.Unwritable.class, () -> ReportFile.check(tmp));
        assertEquals("cannot write the report " + tmp + ": it is a directory", dir.getMessage());
    }

    @Test
    void theCheck_makesTheDirectories_andLeavesNoFile() throws Exception {
        Path report = tmp.resolve("reports/2027/run.json");
        ReportFile.check(report);
        assertTrue(Files.isDirectory(report.getParent()));
        assertEquals(List.of(), names(report.getParent()), "the probe is gone, and no report is there before the run ends");
    }

    @Test
    void aLinkPlantedAtThePath_isReplaced_notFollowed() throws Exception {
        Path foreign = Files.writeString(tmp.resolve("shadow"), "root:x:0:0\n");
        Path report = tmp.resolve("out/run.json");
        Files.createDirectories(report.getParent());
        Files.createSymbolicLink(report, foreign);
        ReportFile.write(report, "{\"verdict\": \"pass\"}\n");
        assertEquals("root:x:0:0\n", Files.readString(foreign), "the file the link pointed at is untouched");
        assertTrue(Files.isRegularFile(report, LinkOption.NOFOLLOW_LINKS), "the link itself was replaced");
        assertEquals("{\"verdict\": \"pass\"}\n", Files.readString(report));
        assertEquals(List.of("run.json"), names(report.getParent()), "no temporary file left");
    }

    @Test
    void anEarlierReport_isReplacedWhole_andReadableAsAFileFromRedirectionWouldBe() throws Exception {
        Path report = tmp.resolve("run.html");
        Files.write(report, new byte[100_000]);
        ReportFile.write(report, "<!DOCTYPE html>\n");
        assertArrayEquals("<!DOCTYPE html>\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), Files.readAllBytes(report));
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(report);
        assertTrue(mode.containsAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)), mode.toString());
        assertFalse(mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE), mode.toString());
    }

    @Test
    void aDirectoryMadeAtThePathMeanwhile_failsInWords_andLeavesNothingOfOurs() throws Exception {
        Path report = tmp.resolve("run.json");
        Files.createDirectory(report);
        ReportFile.Unwritable e = assertThrows(ReportFile.Unwritable.class, () -> ReportFile.write(report, "{}"));
        assertTrue(e.getMessage().startsWith("cannot write the report " + report + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        assertEquals(List.of("run.json"), names(tmp), "the temporary file is removed");
    }
}
