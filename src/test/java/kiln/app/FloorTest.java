package kiln.app;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A free-space floor no file system here could meet is refused before anything is made. */
final class FloorTest {
    @TempDir
    Path tmp;

    private Settings.Files files(Path dir, long minFree) {
        return new SettingsLoader(2).load(null, Map.of("kiln.files.dir", dir.toString(), "kiln.files.min-free", Long.toString(minFree)))
                .files();
    }

    @Test
    void aFloorAtOrAboveTheWholeFileSystem_isRefused_leavingNothingMade() throws Exception {
        long total = Files.getFileStore(tmp).getTotalSpace();
        Path dir = tmp.resolve("not/yet");
        CannotRun e = assertThrows(CannotRun.class, () -> Preparation.openWorkspace(files(dir, total), System.err));
        assertTrue(e.getMessage().startsWith("the free-space floor (min-free "), e.getMessage());
        assertTrue(e.getMessage().contains("is more than the file system of " + dir + " holds ("), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("not")), "what was made for the run is gone again");
        assertDoesNotThrow(() -> Preparation.floorWithinReach(files(dir, total - 1)), "just under the whole: a floor, if a high one");
    }
}
