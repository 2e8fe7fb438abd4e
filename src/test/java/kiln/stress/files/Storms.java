package kiln.stress.files;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import kiln.workspace.FileIo;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests of the file storm: every file path this runtime has (the same tests run on each),
 * and the storms a test started, stopped after it whether it passed or not, so that no writer
 * outlives the test's directory. Register with {@code @RegisterExtension}.
 */
final class Storms implements AfterEachCallback {
    private final List<FileStorm> started = new CopyOnWriteArrayList<>();

    /** The file paths to run each test on: {@code @MethodSource("kiln.stress.files.Storms#ios")}. */
    static List<FileIo> ios() {
        return FileIo.available();
    }

    FileStorm track(FileStorm s) {
        started.add(s);
        return s;
    }

    /** Stops every storm started so far; idempotent. */
    void stopAll() {
        started.forEach(s -> s.stopAndClean(Duration.ofSeconds(10)));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopAll();
    }
}
