package kiln.sampler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading the kernel's small text files (/proc, /sys, cgroups) where absent or unreadable means "not here". */
final class KernelFiles {
    private KernelFiles() {
    }

    /** The file's lines; empty when it is missing or unreadable. */
    static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The file's one number; -1 when it is missing, unreadable or not a number. */
    static long number(Path p) {
        try {
            return Long.parseLong(Files.readString(p).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
