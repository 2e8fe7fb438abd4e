package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory a run request may choose: the daemon's own or one under it, nothing else. */
final class RequestedDirTest {
    @TempDir
    Path tmp;

    private String apply(Path own, String dir) throws RequestedDir.Refused {
        Map<String, Object> overrides = new HashMap<>(Map.of(RequestedDir.KEY, dir));
        RequestedDir.apply(own, overrides, Map.of(RequestedDir.KEY, "dir"));
        return (String) overrides.get(RequestedDir.KEY);
    }

    private String refused(Path own, String dir) {
        return assertThrows(RequestedDir.Refused.class, () -> apply(own, dir)).getMessage();
    }

    @Test
    void theDaemonsOwnDirectory_orOneUnderIt_isAccepted_relativeOnesUnderIt() throws Exception {
        Path own = Files.createDirectory(tmp.resolve("data"));
        assertEquals(own.toString(), apply(own, own.toString()));
        assertEquals(own.toString(), apply(own, own + "/"));
        assertEquals(own.resolve("nvme1").toString(), apply(own, own.resolve("nvme1").toString()));
        assertEquals(own.resolve("a/b").toString(), apply(own, "a/b"), "relative: under the daemon's directory, not its cwd");
        assertEquals(own.toString(), apply(own, "."));
    }

    @Test
    void anywhereElse_dotDot_andSymlinks_areRefused_namingTheFieldAndTheRule() throws Exception {
        Path own = Files.createDirectory(tmp.resolve("data"));
        String rule = "a request may choose only the daemon's directory (kiln.files.dir = " + own + ") or one under it";
        assertEquals("dir = /etc: " + rule, refused(own, "/etc"));
        assertEquals("dir = " + tmp.resolve("data2") + ": " + rule, refused(own, tmp.resolve("data2").toString()));
        assertEquals("dir = sub/../../x: \"..\" is not accepted; " + rule, refused(own, "sub/../../x"));
        assertEquals("dir = " + own + "/..: \"..\" is not accepted; " + rule, refused(own, own + "/.."));
        Files.createSymbolicLink(own.resolve("link"), Path.of("/etc"));
        assertEquals("dir = link/x: " + own.resolve("link") + " is a symbolic link, which a request may not go through; " + rule,
                refused(own, "link/x"));
        Files.writeString(own.resolve("file"), "x");
        assertEquals("dir = file: " + own.resolve("file") + " is not a directory", refused(own, "file"));
        assertEquals("dir = \"\": expected a directory; " + rule, refused(own, " "));
    }

    @Test
    void noDir_leavesTheOverridesAlone() throws Exception {
        Map<String, Object> overrides = new HashMap<>(Map.of("kiln.run.duration", "3s"));
        RequestedDir.apply(tmp, overrides, Map.of());
        assertEquals(Map.of("kiln.run.duration", "3s"), overrides);
    }
}
