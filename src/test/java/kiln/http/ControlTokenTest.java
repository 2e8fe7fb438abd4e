package kiln.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import kiln.config.Settings;
import kiln.config.SettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the daemon's control token comes from, and the token files it refuses. */
final class ControlTokenTest {
    @TempDir
    Path tmp;

    private static Settings.Http http(String token, Path file) {
        return new Settings.Http("127.0.0.1", 0, token, file, false);
    }

    @Test
    void withNoTokenConfigured_oneIsMadeOnFirstStart_0600_andKeptAcrossRestarts() throws Exception {
        Path file = tmp.resolve("state/kiln/token");
        ControlToken.Found first = ControlToken.forDaemon(http("", file), Map.of());
        assertTrue(first.token().matches("[A-Za-z0-9_-]{43}"), "256 bits, URL-safe: " + first.token().length());
        assertEquals("the token file " + file, first.source());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(first.token() + "\n", Files.readString(file));
        assertEquals(first.token(), ControlToken.forDaemon(http("", file), Map.of()).token(), "reused, not made again");
        assertEquals(first.token(), ControlToken.forClient(file, Map.of()), "the CLI reads the same");
    }

    @Test
    void aConfiguredToken_thenTheEnvironment_winOverTheFile() throws Exception {
        Path file = tmp.resolve("token");
        assertEquals("kiln.http.token", ControlToken.forDaemon(http("s3cret", file), Map.of(ControlToken.ENV, "other")).source());
        ControlToken.Found env = ControlToken.forDaemon(http("", file), Map.of(ControlToken.ENV, "fromenv"));
        assertEquals("fromenv", env.token());
        assertTrue(Files.notExists(file), "no file made when a token was given");
        SettingsException e = assertThrows(SettingsException.class,
                () -> ControlToken.forDaemon(http("", file), Map.of(ControlToken.ENV, "fromenv\n")));
        assertEquals("KILN_TOKEN = <8 characters, not shown>: expected visible ASCII characters without spaces, but character 8"
                + " of 8 is a line feed (\\n) (a newline from $(cat file) or an env file?)", e.getMessage());
    }

    @Test
    void aTokenFile_withOneTrailingNewline_isTrimmed_butOtherWhiteSpaceIsRefused() throws Exception {
        Path file = secret("tok-1\n");
        assertEquals("tok-1", ControlToken.forDaemon(http("", file), Map.of()).token());
        Files.writeString(file, "tok-2\r\n");
        assertEquals("tok-2", ControlToken.forClient(file, Map.of()));
        Files.writeString(file, "tok 3\n");
        SettingsException e = assertThrows(SettingsException.class, () -> ControlToken.forDaemon(http("", file), Map.of()));
        assertEquals("kiln.http.token-file = " + file + ": the token in the file: expected visible ASCII characters without"
                + " spaces, but character 4 of 5 is a space", e.getMessage());
        Files.writeString(file, "tok-4\n\n");
        assertThrows(SettingsException.class, () -> ControlToken.forDaemon(http("", file), Map.of()));
    }

    @Test
    void aTokenFileOthersCanRead_isRefused() throws Exception {
        Path file = secret("tok\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SettingsException e = assertThrows(SettingsException.class, () -> ControlToken.forDaemon(http("", file), Map.of()));
        assertEquals("kiln.http.token-file = " + file + ": the token file can be used by others (mode 0644); expected 0600:"
                + " chmod 600 " + file + ", and choose a new token if others may have read it", e.getMessage());
        assertThrows(SettingsException.class, () -> ControlToken.forClient(file, Map.of()), "the CLI refuses it too");
    }

    @Test
    void aTokenFileThatIsASymlink_isRefused_andNotFollowed() throws Exception {
        Path target = secret("tok\n");
        Path dir = Files.createDirectory(tmp.resolve("d"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(dir.resolve("token"), target);
        SettingsException e = assertThrows(SettingsException.class, () -> ControlToken.forDaemon(http("", link), Map.of()));
        assertTrue(e.getMessage().startsWith("kiln.http.token-file = " + link + ": the token file is a symbolic link; refused"),
                e.getMessage());
        Path dangling = Files.createSymbolicLink(dir.resolve("made"), tmp.resolve("nowhere"));
        assertThrows(SettingsException.class, () -> ControlToken.forDaemon(http("", dangling), Map.of()));
        assertTrue(Files.notExists(tmp.resolve("nowhere")), "nothing created through a link");
    }

    @Test
    void aTokenFileInADirectoryOthersCanWrite_isRefused() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        SettingsException e = assertThrows(SettingsException.class,
                () -> ControlToken.forDaemon(http("", open.resolve("token")), Map.of()));
        assertEquals("kiln.http.token-file = " + open.resolve("token") + ": the directory " + open.toRealPath()
                + " can be written by others (mode 0777); the token must be where no one else can change it", e.getMessage());
        assertTrue(Files.notExists(open.resolve("token")));
    }

    @Test
    void offLoopback_aTokenTheOperatorChoseIsRequired() throws Exception {
        Settings.Http offLoopback = new Settings.Http("0.0.0.0", 0, "", tmp.resolve("token"), false);
        SettingsException e = assertThrows(SettingsException.class, () -> ControlToken.forDaemon(offLoopback, Map.of()));
        assertEquals("kiln.http.token = \"\": a token is required when kiln.http.host (0.0.0.0) is not a loopback address", e.getMessage());
        assertEquals("fromenv", ControlToken.forDaemon(offLoopback, Map.of(ControlToken.ENV, "fromenv")).token());
    }

    private Path secret(String text) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("secret"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path f = dir.resolve("token");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }
}
