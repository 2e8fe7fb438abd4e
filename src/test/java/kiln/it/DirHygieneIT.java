package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directories a run uses, as an operator meets them: what kiln makes is 0700 under any umask,
 * a path others could redirect is flagged on the terminal and in the report, and a lock file that
 * is a hard link to another file is refused (exit 3) with that file untouched.
 */
@Timeout(120)
final class DirHygieneIT {
    @TempDir
    Path tmp;

    /** kiln run under {@code umask 000}, its stdout and stderr into {@code out}. */
    private Process kiln(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "umask 000 && exec \"$0\" \"$@\"",
                KilnProcess.launcher().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(KilnProcess.environment());
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static int waitFor(Process p, Path out) throws Exception {
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kiln did not end:\n" + Files.readString(out));
        }
        return p.exitValue();
    }

    /** README: the directories kiln makes for --dir and for the report are 0700, whatever the umask. */
    @Test
    void directoriesMadeForTheRunAndTheReport_are0700_underUmask000() throws Exception {
        Path data = tmp.resolve("a/b/data");
        Path report = tmp.resolve("r/s/report.json");
        Path out = tmp.resolve("out");
        Process p = kiln(out, "run", "--duration", "4s", "--workers", "1", "--dir", data.toString(), "--report", report.toString(),
                "--metrics-port", "0", "--min-free", "64m");
        try {
            // what kiln made for --dir goes again at the end: look while it runs
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.exists(data.resolve(".kiln.lock")) || !p.isAlive());
            for (Path d : List.of(tmp.resolve("a"), tmp.resolve("a/b"), data)) {
                assertEquals("rwx------", mode(d), d + "\n" + Files.readString(out));
            }
            assertEquals(0, waitFor(p, out), Files.readString(out));
            for (Path d : List.of(tmp.resolve("r"), tmp.resolve("r/s"))) {
                assertEquals("rwx------", mode(d), d.toString());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /** A symbolic link and a directory others can write in --dir's path: said at start and kept in the report's warnings. */
    @Test
    void aDirThroughALinkAndAWorldWritableParent_isFlagged_inTheOutputAndTheReport() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), open);
        Path report = tmp.resolve("report.json");
        Path out = tmp.resolve("out");
        Process p = kiln(out, "run", "--duration", "2s", "--workers", "1", "--dir", link.resolve("data").toString(),
                "--report", report.toString(), "--metrics-port", "0", "--min-free", "64m");
        int exit = waitFor(p, out);
        String said = Files.readString(out);
        String linkDoubt = link + " is a symbolic link (to " + open + "): whoever can change it chooses where kiln writes";
        String openDoubt = open + " is writable by its group or by others (mode 0777): they can replace " + open.resolve("data");
        assertTrue(said.contains("kiln: the run's directory " + link.resolve("data") + ": " + linkDoubt), said);
        assertTrue(said.contains(openDoubt), said);
        String json = Files.readString(report);
        assertTrue(json.contains("\"warnings\"") && json.contains(linkDoubt) && json.contains(openDoubt), json);
        assertEquals(0, exit, said);
    }

    /** Someone linked a file of root's as the lock: kiln would truncate it and write its pid there. Refused, exit 3. */
    @Test
    void aLockFileThatIsAHardLink_isRefused_exit3_andTheOtherFileUntouched() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path victim = Files.writeString(tmp.resolve("victim"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.createLink(data.resolve(".kiln.lock"), victim);
        Path out = tmp.resolve("out");
        Process p = kiln(out, "run", "--duration", "2s", "--workers", "1", "--dir", data.toString(), "--metrics-port", "0",
                "--min-free", "64m");
        int exit = waitFor(p, out);
        String said = Files.readString(out);
        assertEquals(3, exit, said);
        assertTrue(said.contains("refusing " + data.resolve(".kiln.lock") + ": it is a hard link to a file with 2 names"), said);
        assertEquals("root:x:0:0:root:/root:/bin/bash\n", Files.readString(victim));
    }
}
