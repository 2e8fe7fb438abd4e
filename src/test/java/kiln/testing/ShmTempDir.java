package kiln.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temporary directories on tmpfs ({@code /dev/shm}) where the machine has one: tests that make
 * thousands of files then measure nothing but behaviour should not wait on the state of a disk
 * (ext4 creates slowly for minutes after a bulk delete). Real files all the same.
 */
public final class ShmTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "kiln-test-")
                : Files.createTempDirectory("kiln-test-");
    }
}
